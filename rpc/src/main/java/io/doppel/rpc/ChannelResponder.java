package io.doppel.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends replies on a Netty channel: on a TCP connection (the pipeline adds record marking) or, when
 * {@code recipient} is set, as one UDP datagram to the caller.
 */
record ChannelResponder(Channel channel, InetSocketAddress recipient, InetSocketAddress local)
    implements Responder {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelResponder.class);

  /** Largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP). */
  static final int MAX_DATAGRAM_BYTES = 65507;

  static ChannelResponder tcp(Channel channel) {
    return new ChannelResponder(channel, null, inet(channel.localAddress()));
  }

  static ChannelResponder udp(Channel channel, InetSocketAddress sender) {
    return new ChannelResponder(channel, sender, inet(channel.localAddress()));
  }

  private static InetSocketAddress inet(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i : null;
  }

  @Override
  public ByteBufAllocator alloc() {
    return channel.alloc();
  }

  @Override
  public void send(ByteBuf reply) {
    if (recipient == null) {
      channel.writeAndFlush(reply);
      return;
    }
    if (reply.readableBytes() > MAX_DATAGRAM_BYTES) {
      LOG.debug("event=udp_reply_too_large client={} bytes={}", recipient, reply.readableBytes());
      reply.release();
      return;
    }
    channel.writeAndFlush(new DatagramPacket(reply, recipient));
  }

  @Override
  public InetSocketAddress client() {
    return recipient != null ? recipient : inet(channel.remoteAddress());
  }

  @Override
  public Transport transport() {
    return recipient == null ? Transport.TCP : Transport.UDP;
  }
}
