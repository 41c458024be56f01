package io.doppel.block.mirror;

import io.doppel.metrics.MetricRegistry;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the mirror tests (two MirrorHosts on 127.0.0.1, real images) share. */
public final class MirrorTests {
  private MirrorTests() {}

  /**
   * A host on 127.0.0.1 whose only backup, "b", listens on {@code backupPort}: 1 MiB regions, 1 s
   * acks.
   */
  public static MirrorHost host(String node, InetSocketAddress bind, int backupPort) {
    return host(
        node,
        bind,
        Map.of("b", new InetSocketAddress("127.0.0.1", backupPort)),
        1 << 20,
        1_000_000_000L);
  }

  /** A host with the given replica servers, region size and ack timeout, on the real clock. */
  public static MirrorHost host(
      String node,
      InetSocketAddress bind,
      Map<String, InetSocketAddress> peers,
      int regionBytes,
      long ackTimeoutNanos) {
    MirrorSettings s = new MirrorSettings(node, bind, peers, regionBytes, ackTimeoutNanos);
    return new MirrorHost(s, new MetricRegistry(), System::nanoTime, Thread.ofPlatform().factory());
  }

  /** A port free right now (the test binds it soon after). */
  public static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The SHA-256 of a whole image file, hex. */
  public static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  /** Polls {@code condition} until it holds, failing after 60 s. */
  public static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20); // polling a condition with a deadline
    }
  }
}
