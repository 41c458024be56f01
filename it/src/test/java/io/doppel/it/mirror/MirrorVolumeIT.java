package io.doppel.it.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.it.DoppelConfig;
import io.doppel.it.DoppelProcess;
import io.doppel.it.Exec;
import io.doppel.it.ExecResult;
import io.doppel.it.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real doppel processes mirroring one volume over loopback (ISSUE3 "Mirrored volumes"): node a
 * is primary and serves NBD, node b is the backup. Real clients: {@code nbdcopy}, {@code qemu-io}.
 */
class MirrorVolumeIT {
  private static final String VOLUME = "mvol";
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(180);

  @TempDir Path dir;

  private record Pair(DoppelProcess a, DoppelProcess b, Path imageA, Path imageB) {}

  private Pair start(String size) throws IOException {
    int portA = Ports.free();
    int portB = Ports.free();
    Map<String, String> peers = Map.of("a", "127.0.0.1:" + portA, "b", "127.0.0.1:" + portB);
    DoppelConfig ca =
        DoppelConfig.standard(dir.resolve("a/data"))
            .nodeName("a")
            .volume(VOLUME, size, false, 0)
            .mirror(VOLUME, List.of("a", "b"))
            .replication("127.0.0.1:" + portA, peers, 1000);
    DoppelConfig cb =
        DoppelConfig.standard(dir.resolve("b/data"))
            .nodeName("b")
            .volume(VOLUME, size, false, 0)
            .mirror(VOLUME, List.of("a", "b"))
            .replication("127.0.0.1:" + portB, peers, 1000);
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    DoppelProcess b = new DoppelProcess(dir.resolve("b"), cb);
    b.start();
    DoppelProcess a = new DoppelProcess(dir.resolve("a"), ca);
    a.start();
    return new Pair(
        a,
        b,
        dir.resolve("a/data/volumes/" + VOLUME + ".img"),
        dir.resolve("b/data/volumes/" + VOLUME + ".img"));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void nbdcopyThroughThePrimaryLeavesIdenticalImages() throws Exception {
    Pair p = start("64M");
    try {
      awaitInSync(p.a());
      Path in = dir.resolve("random.bin");
      byte[] data = new byte[64 << 20];
      new SplittableRandom(42).nextBytes(data);
      Files.write(in, data);
      ok("nbdcopy", in.toString(), p.a().config().nbdUri(VOLUME));
    } finally {
      p.a().stop();
      p.b().stop();
    }
    String expected = sha256(dir.resolve("random.bin"));
    assertThat(sha256(p.imageA())).isEqualTo(expected);
    assertThat(sha256(p.imageB())).isEqualTo(expected);
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void killedBackupIsResyncedFromDirtyRegionsOnly() throws Exception {
    long volumeBytes = 256L << 20;
    Pair p = start("256M");
    try {
      awaitInSync(p.a());
      String uri = p.a().config().nbdUri(VOLUME);
      List<String> stream = qemuIoWrites(uri, 0, 200, 0x11);
      Process writer =
          new ProcessBuilder(stream)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("w1.log").toFile())
              .start();
      try {
        awaitFileGrows(dir.resolve("w1.log"));
        p.b().kill(); // SIGKILL during the write stream
        assertThat(writer.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as(Files.readString(dir.resolve("w1.log"))).isZero();
      } finally {
        writer.destroyForcibly();
        writer.waitFor(10, TimeUnit.SECONDS);
      }
      // The primary keeps serving while its backup is gone.
      ok(qemuIoWrites(uri, 100L << 20, 8, 0x22).toArray(String[]::new));
      p.b().start();
      awaitInSync(p.a());
      long copied = longField(p.a().admin("/status"), "resyncBytesCopied");
      System.out.printf("resync copied %d bytes of a %d-byte volume%n", copied, volumeBytes);
      assertThat(copied).isPositive().isLessThan(volumeBytes / 8);
    } finally {
      p.a().stop();
      p.b().stop();
    }
    assertThat(sha256(p.imageB())).isEqualTo(sha256(p.imageA()));
  }

  /** {@code count} contiguous 64 KiB pattern writes starting at {@code base}. */
  private static List<String> qemuIoWrites(String uri, long base, int count, int pattern) {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
    for (int i = 0; i < count; i++) {
      long at = base + i * (64L << 10);
      cmd.addAll(List.of("-c", "write -P " + ((pattern + i) & 0xff) + " " + at + " 64k"));
    }
    cmd.add(uri);
    return cmd;
  }

  private static void awaitFileGrows(Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).split("wrote", -1).length > 20) {
        return;
      }
      Thread.sleep(5); // polling a condition with a deadline
    }
    throw new AssertionError("qemu-io wrote nothing: " + Files.readString(log));
  }

  private static void awaitInSync(DoppelProcess primary) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String status = "";
    while (System.nanoTime() < deadline) {
      status = primary.admin("/status");
      if (status.matches("(?s).*\"state\"\\s*:\\s*\"IN_SYNC\".*")) {
        return;
      }
      Thread.sleep(100); // polling a condition with a deadline
    }
    throw new AssertionError("backup never IN_SYNC: " + status + "\n" + primary.logTail(40));
  }

  private static long longField(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
    assertThat(m.find()).as("%s in %s", field, json).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static ExecResult ok(String... command) throws IOException {
    ExecResult r = Exec.run(TOOL_TIMEOUT, List.of(command));
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
