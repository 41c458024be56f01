package io.doppel.rpc;

import io.doppel.metrics.MetricRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONC RPC v2 server (RFC 5531) for a set of {@link RpcProgram}s on one port, TCP with record
 * marking (§11) and optionally UDP (§10). Netty epoll when available, NIO otherwise. Procedures run
 * on a bounded worker pool; when its queue is full a call is dropped and counted (clients
 * retransmit). Metrics: see {@code RpcStats}.
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);
  private static final int BACKLOG = 1024;
  private static final int QUEUE_PER_WORKER = 64;
  private static final int MIN_QUEUE = 1024;
  private static final int UDP_RECEIVE_BUFFER = 64 * 1024;

  /**
   * TCP reads grow up to this size, so a 1 MiB WRITE arrives in a few reads of pooled direct
   * buffers that the record decoder can keep as slices instead of copying.
   */
  private static final int MAX_TCP_READ = 256 * 1024;

  private final RpcServerConfig config;
  private final RpcStats stats;
  private final ThreadPoolExecutor workers;
  private final CallDispatcher dispatcher;
  private EventLoopGroup bossGroup;
  private EventLoopGroup ioGroup;
  private Channel tcpChannel;
  private Channel udpChannel;
  private int port = -1;

  public RpcServer(RpcServerConfig config, List<RpcProgram> programs, MetricRegistry metrics) {
    this(config, programs, metrics, System::nanoTime);
  }

  RpcServer(
      RpcServerConfig config,
      List<RpcProgram> programs,
      MetricRegistry metrics,
      LongSupplier nanoClock) {
    this.config = config;
    this.stats = new RpcStats(metrics, programs);
    int queue = Math.max(MIN_QUEUE, config.workerThreads() * QUEUE_PER_WORKER);
    this.workers =
        new ThreadPoolExecutor(
            config.workerThreads(),
            config.workerThreads(),
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            new DefaultThreadFactory("doppel-rpc-worker", true),
            new ThreadPoolExecutor.AbortPolicy());
    this.dispatcher = new CallDispatcher(programs, workers, stats, nanoClock);
  }

  /** Binds TCP (and UDP when enabled) on the same port. */
  public synchronized void start() throws IOException {
    if (tcpChannel != null) {
      throw new IllegalStateException("already started");
    }
    boolean epoll = Epoll.isAvailable();
    bossGroup = group(epoll, 1, "doppel-rpc-accept");
    ioGroup =
        group(epoll, Math.max(2, Runtime.getRuntime().availableProcessors()), "doppel-rpc-io");
    try {
      tcpChannel = bindTcp(epoll);
      port = ((InetSocketAddress) tcpChannel.localAddress()).getPort();
      if (config.udp()) {
        udpChannel = bindUdp(epoll, port);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    LOG.info(
        "event=rpc_listening address={} port={} udp={} transport={}",
        config.bindAddress().getHostAddress(),
        port,
        config.udp(),
        epoll ? "epoll" : "nio");
  }

  private static EventLoopGroup group(boolean epoll, int threads, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return epoll
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  private Channel bindTcp(boolean epoll) throws IOException {
    Class<? extends ServerChannel> type =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(bossGroup, ioGroup)
            .channel(type)
            .option(ChannelOption.SO_BACKLOG, BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(
                ChannelOption.RCVBUF_ALLOCATOR,
                new AdaptiveRecvByteBufAllocator(64, 16 * 1024, MAX_TCP_READ))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("record-encoder", RecordMarkingEncoder.INSTANCE)
                        .addLast(
                            "record-decoder",
                            new RecordMarkingDecoder(
                                config.maxRecordBytes(), stats.oversizeRecords::increment))
                        .addLast("calls", new TcpCallHandler(dispatcher, stats));
                  }
                });
    return await(b.bind(config.bindAddress(), config.port()), "tcp");
  }

  private Channel bindUdp(boolean epoll, int udpPort) throws IOException {
    Class<? extends DatagramChannel> type =
        epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    Bootstrap b =
        new Bootstrap()
            .group(ioGroup)
            .channel(type)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_RECEIVE_BUFFER))
            .option(ChannelOption.SO_RCVBUF, 1024 * 1024)
            .handler(new UdpCallHandler(dispatcher, stats, config.maxRecordBytes()));
    return await(b.bind(config.bindAddress(), udpPort), "udp");
  }

  private Channel await(ChannelFuture future, String what) throws IOException {
    future.awaitUninterruptibly();
    if (!future.isSuccess()) {
      Throwable cause = future.cause();
      String where = config.bindAddress().getHostAddress() + ":" + config.port();
      throw new IOException("cannot bind " + what + " " + where + ": " + cause.getMessage(), cause);
    }
    return future.channel();
  }

  /** The bound port (TCP and UDP); -1 before {@link #start()}. */
  public synchronized int port() {
    return port;
  }

  RpcStats stats() {
    return stats;
  }

  /** Stops accepting, closes all connections and stops the worker pool. Idempotent. */
  @Override
  public synchronized void close() {
    if (tcpChannel != null) {
      tcpChannel.close().awaitUninterruptibly();
    }
    if (udpChannel != null) {
      udpChannel.close().awaitUninterruptibly();
    }
    shutdown(bossGroup);
    shutdown(ioGroup);
    bossGroup = null;
    ioGroup = null;
    workers.shutdownNow();
    if (port >= 0) {
      LOG.info("event=rpc_stopped port={}", port);
    }
  }

  private static void shutdown(EventLoopGroup group) {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }
}
