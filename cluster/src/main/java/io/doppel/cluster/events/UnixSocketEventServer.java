package io.doppel.cluster.events;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events socket (seed 003: applications register with the recovery agent and are told
 * MACHINE_FAILED...): a local Unix domain stream socket; every connected application receives one
 * JSON line ({@link EventJson}) per event published after it connected. Nothing is read from
 * subscribers. A subscriber whose unsent bytes would exceed {@code maxPendingBytes} is disconnected
 * and counted ({@code doppel_events_dropped_total{sink="socket",reason="slow_subscriber"}}): one
 * slow application never holds memory or delays the others.
 *
 * <p>The socket file gets mode 0660 (owner and group may subscribe) and is removed on {@link
 * #close()}; a stale socket file from a crashed run is replaced, any other file refused. One I/O
 * thread, from the given factory, accepts connections and flushes what the kernel did not take.
 */
public final class UnixSocketEventServer implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger(UnixSocketEventServer.class);

  private final Path path;
  private final ServerSocketChannel server;
  private final Selector selector;
  private final int maxPendingBytes;
  private final EventsStats stats;
  private final List<SocketSubscriber> subscribers = new CopyOnWriteArrayList<>();
  private final Thread ioThread;
  private volatile boolean closed;
  private long nextId = 1;

  private UnixSocketEventServer(
      Path path,
      ServerSocketChannel server,
      int maxPendingBytes,
      ThreadFactory threads,
      EventsStats stats)
      throws IOException {
    this.path = path;
    this.server = server;
    this.maxPendingBytes = maxPendingBytes;
    this.stats = stats;
    this.selector = Selector.open();
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    this.ioThread = threads.newThread(this::run);
  }

  /**
   * Binds {@code path} and starts accepting subscribers.
   *
   * @param maxPendingBytes unsent bytes allowed per subscriber beyond the kernel's buffer
   */
  public static UnixSocketEventServer open(
      Path path, int maxPendingBytes, ThreadFactory threads, EventsStats stats) throws IOException {
    if (maxPendingBytes < 1) {
      throw new IllegalArgumentException("maxPendingBytes must be >= 1: " + maxPendingBytes);
    }
    removeStaleSocket(path);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
      UnixSocketEventServer s =
          new UnixSocketEventServer(path, server, maxPendingBytes, threads, stats);
      s.ioThread.start();
      log.info("events socket listening path={} max_pending_bytes={}", path, maxPendingBytes);
      return s;
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(path);
      throw e;
    }
  }

  private static void removeStaleSocket(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes a =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isOther()) { // a socket is "other"; never delete a regular file, link or directory
      throw new IOException("events socket path exists and is not a socket: " + path);
    }
    Files.delete(path);
  }

  public Path path() {
    return path;
  }

  /** Subscribers connected now. */
  public int subscriberCount() {
    return subscribers.size();
  }

  @Override
  public String name() {
    return "socket";
  }

  @Override
  public void deliver(EventEnvelope event) {
    if (subscribers.isEmpty()) {
      return;
    }
    byte[] line = (event.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    for (SocketSubscriber s : subscribers) {
      switch (s.offer(ByteBuffer.wrap(line))) {
        case OK -> {}
        case OVERFLOW -> drop(s, "slow_subscriber");
        case BROKEN -> drop(s, "disconnected");
      }
    }
    selector.wakeup();
  }

  private void drop(SocketSubscriber s, String reason) {
    if (!subscribers.remove(s)) {
      return;
    }
    s.close();
    stats.subscriberRemoved();
    if (reason.equals("disconnected")) {
      log.debug("events subscriber left id={}", s.id());
    } else {
      stats.dropped("socket", reason);
      log.warn(
          "events subscriber dropped id={} reason={} max_pending_bytes={}",
          s.id(),
          reason,
          maxPendingBytes);
    }
  }

  private void run() {
    ByteBuffer scratch = ByteBuffer.allocate(512);
    while (!closed) {
      try {
        selector.select();
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key, scratch);
        }
        selector.selectedKeys().clear();
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          log.error("events socket I/O loop failed path={}", path, e);
        }
      }
    }
  }

  private void handle(SelectionKey key, ByteBuffer scratch) throws IOException {
    if (!key.isValid()) {
      return;
    }
    if (key.isAcceptable()) {
      accept();
      return;
    }
    SocketSubscriber s = (SocketSubscriber) key.attachment();
    try {
      if (key.isReadable()) {
        scratch.clear();
        if (s.channel().read(scratch) < 0) { // subscribers send nothing; EOF means gone
          drop(s, "disconnected");
          return;
        }
      }
      if (key.isValid() && key.isWritable()) {
        s.flush();
      }
    } catch (IOException e) {
      drop(s, "disconnected");
    }
  }

  private void accept() throws IOException {
    SocketChannel ch = server.accept();
    if (ch == null) {
      return;
    }
    ch.configureBlocking(false);
    SocketSubscriber s = new SocketSubscriber(ch, nextId++, maxPendingBytes);
    s.attach(ch.register(selector, SelectionKey.OP_READ, s));
    subscribers.add(s);
    stats.subscriberAdded();
    log.debug("events subscriber connected id={}", s.id());
  }

  /** Disconnects every subscriber, stops the I/O thread and removes the socket file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    try {
      ioThread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SocketSubscriber s : subscribers) {
      drop(s, "disconnected");
    }
    try {
      server.close();
      selector.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("events socket close failed path={}", path, e);
    }
    log.info("events socket closed path={}", path);
  }
}
