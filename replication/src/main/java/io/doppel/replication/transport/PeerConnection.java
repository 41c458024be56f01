package io.doppel.replication.transport;

import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.ReplicationMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary node's long-lived connection to one replica node, shared by every resource it
 * replicates there; reconnects with exponential backoff. Sending while disconnected drops the
 * message: the protocol resends after it reconnects and the replica answers a probe.
 */
public final class PeerConnection implements MessageSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

  /** One resource's view of the link. Called on Netty threads: queue onto the resource's thread. */
  public interface Listener {
    void onConnected();

    void onDisconnected();

    void onMessage(ReplicationMessage m);
  }

  private final String peerId;
  private final InetSocketAddress address;
  private final EventLoopGroup group;
  private final TransportConfig config;
  private final TransportStats stats;
  private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
  private volatile Channel channel;
  private volatile boolean closed;
  private long backoffNanos;

  public PeerConnection(
      String peerId,
      InetSocketAddress address,
      EventLoopGroup group,
      TransportConfig config,
      TransportStats stats) {
    this.peerId = peerId;
    this.address = address;
    this.group = group;
    this.config = config;
    this.stats = stats;
    this.backoffNanos = config.reconnectMinNanos();
  }

  public void register(String resource, Listener listener) {
    listeners.put(resource, listener);
    if (connected()) {
      listener.onConnected();
    }
  }

  public void start() {
    connect();
  }

  private void connect() {
    if (closed) {
      return;
    }
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NettyTransports.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_RCVBUF, config.socketBufferBytes())
            .option(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new FlushConsolidationHandler(256, true))
                        .addLast(new FrameDecoder(config.limits(), stats))
                        .addLast(new FrameEncoder(config.limits(), stats))
                        .addLast(new Handler());
                  }
                });
    b.connect(address)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                scheduleReconnect();
              }
            });
  }

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    long delay = backoffNanos;
    backoffNanos = Math.min(config.reconnectMaxNanos(), backoffNanos * 2);
    group.next().schedule(this::connect, delay, TimeUnit.NANOSECONDS);
  }

  private final class Handler extends SimpleChannelInboundHandler<ReplicationMessage> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      backoffNanos = config.reconnectMinNanos();
      stats.connects.increment();
      log.info("replication link up peer={} address={}", peerId, address);
      listeners.values().forEach(Listener::onConnected);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (channel == ctx.channel()) {
        channel = null;
      }
      stats.disconnects.increment();
      log.info("replication link down peer={}", peerId);
      listeners.values().forEach(Listener::onDisconnected);
      scheduleReconnect();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ReplicationMessage m) {
      Listener l = listeners.get(m.resource());
      if (l != null) {
        l.onMessage(m);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("replication link error peer={} cause={}", peerId, cause.toString());
      ctx.close();
    }
  }

  @Override
  public void send(ReplicationMessage message) {
    Channel ch = channel;
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(message, ch.voidPromise());
    }
  }

  public boolean connected() {
    Channel ch = channel;
    return ch != null && ch.isActive();
  }

  /** Drops the current connection; it reconnects after the backoff. */
  public void disconnect() {
    Channel ch = channel;
    if (ch != null) {
      ch.close().awaitUninterruptibly();
    }
  }

  public String peerId() {
    return peerId;
  }

  @Override
  public void close() {
    closed = true;
    disconnect();
  }
}
