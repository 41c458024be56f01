package io.doppel.block.nbd;

import io.doppel.block.volume.VolumeLookup;
import io.doppel.metrics.MetricRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NBD server (NetworkBlockDevice {@code doc/proto.md}): fixed-newstyle handshake with
 * NBD_OPT_GO/INFO/LIST/EXPORT_NAME/STRUCTURED_REPLY, then READ, WRITE, FLUSH, TRIM, WRITE_ZEROES
 * and DISC, pipelined, replies out of order. Netty epoll when available, NIO otherwise; volume I/O
 * on a bounded worker pool. Metrics: {@link NbdStats}.
 */
public final class NbdServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);
  private static final int QUEUE_PER_WORKER = 256;
  private static final int MAX_SOCKET_READ = 1 << 20;

  private final NbdServerConfig config;
  private final NbdStats stats;
  private final ThreadPoolExecutor workers;
  private final TransmissionContext context;
  private EventLoopGroup bossGroup;
  private EventLoopGroup ioGroup;
  private ChannelGroup channels;
  private Channel serverChannel;
  private int port = -1;

  public NbdServer(NbdServerConfig config, VolumeLookup volumes, MetricRegistry metrics) {
    this(config, volumes, metrics, System::nanoTime);
  }

  NbdServer(
      NbdServerConfig config,
      VolumeLookup volumes,
      MetricRegistry metrics,
      LongSupplier nanoClock) {
    this.config = config;
    this.stats = new NbdStats(metrics);
    this.workers =
        new ThreadPoolExecutor(
            config.workers(),
            config.workers(),
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(config.workers() * QUEUE_PER_WORKER),
            new DefaultThreadFactory("doppel-nbd-io", true),
            new ThreadPoolExecutor.AbortPolicy());
    this.context =
        new TransmissionContext(volumes, config.maxRequestBytes(), stats, workers, nanoClock);
  }

  public NbdStats stats() {
    return stats;
  }

  /** Binds and starts accepting connections. */
  public synchronized void start() throws IOException {
    if (serverChannel != null) {
      throw new IllegalStateException("already started");
    }
    boolean epoll = Epoll.isAvailable();
    bossGroup = group(epoll, 1, "doppel-nbd-accept");
    ioGroup = group(epoll, Math.max(2, Runtime.getRuntime().availableProcessors()), "doppel-nbd");
    channels = new DefaultChannelGroup("nbd", GlobalEventExecutor.INSTANCE);
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    try {
      serverChannel =
          new ServerBootstrap()
              .group(bossGroup, ioGroup)
              .channel(type)
              .option(ChannelOption.SO_BACKLOG, 128)
              .childOption(ChannelOption.TCP_NODELAY, true)
              // Write payloads arrive in bulk (256 KiB-2 MiB requests): large socket reads cost
              // fewer syscalls and event-loop turns than Netty's 64 KiB default cap.
              .childOption(
                  ChannelOption.RCVBUF_ALLOCATOR,
                  new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, MAX_SOCKET_READ))
              .childHandler(initializer())
              .bind(new InetSocketAddress(config.bindAddress(), config.port()))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      close();
      throw new IOException("nbd: cannot bind " + config.bindAddress() + ":" + config.port(), e);
    }
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    LOG.info(
        "event=nbd_listening address={} port={} transport={} workers={} max_request_bytes={}",
        config.bindAddress().getHostAddress(),
        port,
        epoll ? "epoll" : "nio",
        config.workers(),
        config.maxRequestBytes());
  }

  private ChannelInitializer<SocketChannel> initializer() {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        stats.connectionOpened();
        ch.closeFuture().addListener(f -> stats.connectionClosed());
        ch.pipeline()
            .addLast(HandshakeHandler.DECODER_NAME, new HandshakeDecoder())
            .addLast(HandshakeHandler.HANDLER_NAME, new HandshakeHandler(context));
      }
    };
  }

  private static EventLoopGroup group(boolean epoll, int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return epoll
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  /** The bound port (useful with port 0), or -1 before {@link #start()}. */
  public synchronized int port() {
    return port;
  }

  /** Stops accepting, closes every connection, stops the event loops and the worker pool. */
  @Override
  public synchronized void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
      serverChannel = null;
    }
    if (channels != null) {
      channels.close().awaitUninterruptibly();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    for (EventLoopGroup g : new EventLoopGroup[] {bossGroup, ioGroup}) {
      if (g != null) {
        g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
    LOG.info("event=nbd_stopped port={}", port);
  }
}
