package io.doppel.cluster.udp;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.NodeSpec;
import io.doppel.cluster.Transport;
import io.doppel.cluster.message.CodecException;
import io.doppel.cluster.message.Message;
import io.doppel.cluster.message.MessageCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster messages as UDP datagrams, one socket per link of this member, bound to the link's
 * configured address; each message goes out of the socket of its link, so the receiver knows the
 * link from the socket and can check the sender's address. Inbound datagrams are decoded on the
 * event loop and handed to {@link Inbound} there: run the agent on the same single-thread loop.
 * {@code ByteBuf}s never leave this class.
 */
public final class UdpTransport implements Transport, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpTransport.class);

  /** Receives decoded messages on the event loop thread. */
  @FunctionalInterface
  public interface Inbound {
    void onMessage(NodeId from, LinkId link, Message message);
  }

  private final ClusterDefinition definition;
  private final ClusterStats stats;
  private final Map<LinkId, Channel> channels = new LinkedHashMap<>();

  private UdpTransport(ClusterDefinition definition, ClusterStats stats) {
    this.definition = definition;
    this.stats = stats;
  }

  /** Binds one socket per link of {@code self} on {@code group} (use a one-thread group). */
  public static UdpTransport bind(
      ClusterDefinition definition,
      NodeId self,
      EventLoopGroup group,
      Inbound inbound,
      ClusterStats stats)
      throws InterruptedException {
    UdpTransport t = new UdpTransport(definition, stats);
    NodeSpec me = definition.member(self);
    try {
      for (var e : me.links().entrySet()) {
        LinkId link = e.getKey();
        Channel ch =
            new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(t.new Receiver(link, inbound))
                .bind(e.getValue())
                .sync()
                .channel();
        t.channels.put(link, ch);
      }
    } catch (InterruptedException | RuntimeException ex) {
      t.close();
      throw ex;
    }
    return t;
  }

  @Override
  public void send(NodeId to, LinkId link, Message message) {
    Channel ch = channels.get(link);
    InetSocketAddress addr = definition.member(to).links().get(link);
    if (ch == null || addr == null) {
      return; // a link we do not share with that member
    }
    byte[] bytes = MessageCodec.encode(message);
    stats.message("out", message.getClass().getSimpleName());
    ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), addr), ch.voidPromise());
  }

  /** The address a link's socket is bound to (for logs and tests). */
  public InetSocketAddress localAddress(LinkId link) {
    return (InetSocketAddress) channels.get(link).localAddress();
  }

  @Override
  public void close() {
    for (Channel ch : channels.values()) {
      var closing = ch.close();
      if (!ch.eventLoop().inEventLoop()) {
        closing.awaitUninterruptibly(); // never wait on the loop that must do the closing
      }
    }
  }

  /** Decodes datagrams of one link; bad ones are counted and dropped. */
  private final class Receiver extends SimpleChannelInboundHandler<DatagramPacket> {
    private final LinkId link;
    private final Inbound inbound;

    Receiver(LinkId link, Inbound inbound) {
      this.link = link;
      this.inbound = inbound;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf buf = packet.content();
      int n = buf.readableBytes();
      if (n > MessageCodec.MAX_DATAGRAM) {
        stats.decodeError();
        return;
      }
      byte[] bytes = new byte[n];
      buf.getBytes(buf.readerIndex(), bytes);
      Message m;
      try {
        m = MessageCodec.decode(bytes, 0, n);
      } catch (CodecException e) {
        stats.decodeError();
        log.debug(
            "dropped datagram link={} from={} reason={}", link, packet.sender(), e.getMessage());
        return;
      }
      if (!fromExpectedAddress(m.from(), packet.sender())) {
        stats.decodeError();
        log.debug("dropped datagram link={} claimed={} from={}", link, m.from(), packet.sender());
        return;
      }
      inbound.onMessage(m.from(), link, m);
    }

    private boolean fromExpectedAddress(NodeId claimed, InetSocketAddress sender) {
      boolean member = definition.members().stream().anyMatch(s -> s.id().equals(claimed));
      if (!member) {
        return false;
      }
      InetSocketAddress expected = definition.member(claimed).links().get(link);
      return expected != null
          && expected.getPort() == sender.getPort()
          && expected.getAddress() != null
          && (expected.getAddress().equals(sender.getAddress())
              || expected.getAddress().isAnyLocalAddress());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("cluster link error link={} error={}", link, cause.toString());
    }
  }
}
