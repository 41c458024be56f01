package io.doppel.replication.transport;

import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.ReplicationMessage;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica node's listening side: accepts connections from primaries and hands each decoded
 * message, with a sink that answers on the same connection, to {@link Inbound}. Never blocks the
 * event loop: the inbound side queues work onto the resource's thread.
 */
public final class ReplicaServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaServer.class);

  /** Receives every message; {@code replyTo} answers on the connection it came from. */
  @FunctionalInterface
  public interface Inbound {
    void onMessage(ReplicationMessage m, MessageSink replyTo);
  }

  private final EventLoopGroup group;
  private final TransportConfig config;
  private final TransportStats stats;
  private final Inbound inbound;
  private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private Channel serverChannel;

  public ReplicaServer(
      EventLoopGroup group, TransportConfig config, TransportStats stats, Inbound inbound) {
    this.group = group;
    this.config = config;
    this.stats = stats;
    this.inbound = inbound;
  }

  /** Binds and returns the bound address (port 0 picks a free one). */
  public InetSocketAddress bind(InetSocketAddress address) throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NettyTransports.serverChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_RCVBUF, config.socketBufferBytes())
            .childOption(ChannelOption.SO_SNDBUF, config.socketBufferBytes())
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    accepted.add(ch);
                    stats.connects.increment();
                    ch.pipeline()
                        .addLast(new FlushConsolidationHandler(256, true))
                        .addLast(new FrameDecoder(config.limits(), stats))
                        .addLast(new FrameEncoder(config.limits(), stats))
                        .addLast(new Handler());
                  }
                });
    serverChannel = b.bind(address).sync().channel();
    log.info("replication listening address={}", serverChannel.localAddress());
    return (InetSocketAddress) serverChannel.localAddress();
  }

  private final class Handler extends SimpleChannelInboundHandler<ReplicationMessage> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ReplicationMessage m) {
      Channel ch = ctx.channel();
      inbound.onMessage(m, reply -> ch.writeAndFlush(reply, ch.voidPromise()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      stats.disconnects.increment();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn(
          "replication connection closed peer={} cause={}",
          ctx.channel().remoteAddress(),
          cause.toString());
      ctx.close();
    }
  }

  /** Closes every accepted connection (the primaries reconnect). */
  public void dropConnections() {
    accepted.close().awaitUninterruptibly();
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().awaitUninterruptibly();
    }
    dropConnections();
  }
}
