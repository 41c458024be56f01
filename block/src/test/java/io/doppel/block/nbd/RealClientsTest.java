package io.doppel.block.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.VolumeCatalog;
import io.doppel.block.volume.VolumeDefinition;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real Debian NBD clients (qemu-utils, libnbd-bin) against an {@link NbdServer}
 * on 127.0.0.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientsTest {
  private static final long MIB = 1 << 20;

  @TempDir static Path dir;
  private VolumeCatalog catalog;
  private NbdServer server;
  private MetricRegistry metrics;

  @BeforeAll
  void start() throws IOException {
    Path roImage = dir.resolve("ro.img");
    byte[] pattern = new byte[(int) (8 * MIB)];
    Arrays.fill(pattern, (byte) 0x42);
    Files.write(roImage, pattern);
    metrics = new MetricRegistry();
    catalog =
        VolumeCatalog.open(
            dir.resolve("volumes"),
            List.of(
                new VolumeDefinition("disk", 32 * MIB, null, false, 8 * MIB),
                new VolumeDefinition("copy", 64 * MIB, null, false, 16 * MIB),
                new VolumeDefinition("ro", 0, roImage, true, 0)),
            metrics);
    server =
        new NbdServer(
            new NbdServerConfig(InetAddress.getLoopbackAddress(), 0, 32 << 20, 4),
            catalog,
            metrics);
    server.start();
  }

  @AfterAll
  void stop() throws IOException {
    server.close();
    catalog.close();
  }

  private String uri(String name) {
    return "nbd://127.0.0.1:" + server.port() + "/" + name;
  }

  private ProcessRunner.Result run(String... command) throws Exception {
    return ProcessRunner.run(dir, 20, command);
  }

  @Test
  void nbdinfoShowsSizeAndFlags() throws Exception {
    ProcessRunner.Result r = run("nbdinfo", uri("disk"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("export-size: " + 32 * MIB)
        .containsPattern("is_read_only: false")
        .containsPattern("can_flush: true")
        .containsPattern("can_fua: true")
        .containsPattern("can_trim: true")
        .containsPattern("can_zero: true")
        .containsPattern("can_multi_conn: true");
    ProcessRunner.Result ro = run("nbdinfo", uri("ro"));
    assertThat(ro.output()).contains("export-size: " + 8 * MIB).contains("is_read_only: true");
  }

  @Test
  void nbdinfoListsEveryExport() throws Exception {
    ProcessRunner.Result r = run("nbdinfo", "--list", "nbd://127.0.0.1:" + server.port());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("disk").contains("copy").contains("ro");
  }

  @Test
  void unknownExportIsRefused() throws Exception {
    ProcessRunner.Result r = run("nbdinfo", uri("nope"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(server.stats().errors(NbdError.UNKNOWN_EXPORT)).isPositive();
  }

  @Test
  void qemuIoWritesAndReadsBackAPattern() throws Exception {
    ProcessRunner.Result r =
        run(
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -P 0x5a 0 4M",
            "-c",
            "read -P 0x5a 0 4M",
            "-c",
            "read -P 0x5a 1M 4k",
            uri("disk"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("Pattern verification failed").contains("read 4194304/");
  }

  @Test
  void nbdcopyRoundTripsSixtyFourMegabytes() throws Exception {
    Path in = dir.resolve("random.bin");
    byte[] data = new byte[(int) (64 * MIB)];
    new SplittableRandom(42).nextBytes(data);
    Files.write(in, data);
    Path out = dir.resolve("back.bin");
    ProcessRunner.Result w = run("nbdcopy", in.toString(), uri("copy"));
    assertThat(w.exitCode()).as(w.output()).isZero();
    ProcessRunner.Result r = run("nbdcopy", uri("copy"), out.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(sha256(out)).isEqualTo(sha256(in));
    Files.delete(in);
    Files.delete(out);
  }

  @Test
  void qemuImgConvertWritesAFile() throws Exception {
    Path in = dir.resolve("pattern.bin");
    byte[] data = new byte[(int) (2 * MIB)];
    Arrays.fill(data, (byte) 0x33);
    Files.write(in, data);
    ProcessRunner.Result c =
        run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), uri("disk"));
    assertThat(c.exitCode()).as(c.output()).isZero();
    ProcessRunner.Result r = run("qemu-io", "-f", "raw", "-c", "read -P 0x33 0 2M", uri("disk"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("Pattern verification failed");
  }

  @Test
  void discardAndWriteZeroes() throws Exception {
    ProcessRunner.Result r =
        run(
            "qemu-io",
            "-f",
            "raw",
            "-c",
            "write -P 0x11 8M 2M",
            "-c",
            "discard 8M 1M",
            "-c",
            "write -z 9M 1M",
            "-c",
            "read -P 0 9M 1M",
            uri("disk"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("Pattern verification failed").doesNotContain("error");
  }

  @Test
  void readOnlyVolumeRefusesWrites() throws Exception {
    ProcessRunner.Result r =
        run("qemu-io", "-f", "raw", "-c", "read -P 0x42 0 1M", "-c", "write -P 1 0 4k", uri("ro"));
    assertThat(r.output()).doesNotContain("Pattern verification failed");
    assertThat(r.output().toLowerCase()).containsAnyOf("read-only", "permission", "denied");
    byte[] first = new byte[4096];
    try (var ch = java.nio.channels.FileChannel.open(dir.resolve("ro.img"))) {
      ch.read(java.nio.ByteBuffer.wrap(first), 0);
    }
    assertThat(first).containsOnly((byte) 0x42);
  }

  private static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
