package io.doppel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The block face against a real doppel process with the real Debian NBD clients: {@code nbdinfo},
 * {@code nbdcopy} (libnbd-bin) and {@code qemu-io}, {@code qemu-img} (qemu-utils). Missing tools
 * are installed with apt-get once, so a failure means doppel, not the machine.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NbdClientsIT extends ItSupport {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
  private static final long MIB = 1L << 20;

  @BeforeAll
  static void clientsInstalled() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String[] tool :
        new String[][] {
          {"nbdinfo", "libnbd-bin"},
          {"nbdcopy", "libnbd-bin"},
          {"qemu-io", "qemu-utils"},
          {"qemu-img", "qemu-utils"}
        }) {
      if (!Files.isExecutable(Path.of("/usr/bin", tool[0])) && !missing.contains(tool[1])) {
        missing.add(tool[1]);
      }
    }
    if (!missing.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
      cmd.addAll(missing);
      ExecResult r = Exec.run(Duration.ofMinutes(5), cmd);
      assertThat(r.exitCode()).as("installing %s: %s", missing, r).isZero();
    }
  }

  private static ExecResult run(String... command) throws IOException {
    return Exec.run(TOOL_TIMEOUT, List.of(command));
  }

  private static ExecResult ok(String... command) throws IOException {
    ExecResult r = run(command);
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r;
  }

  /** Writes, reads back and verifies patterns with qemu-io ({@code -c} commands in order). */
  private static ExecResult qemuIo(String uri, String... commands) throws IOException {
    return qemuIo(false, uri, commands);
  }

  private static ExecResult qemuIo(boolean readOnly, String uri, String... commands)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
    if (readOnly) {
      cmd.add("-r");
    }
    for (String c : commands) {
      cmd.add("-c");
      cmd.add(c);
    }
    cmd.add(uri);
    return Exec.run(TOOL_TIMEOUT, cmd);
  }

  private static void assertPattern(String uri, String pattern, String offset, String length)
      throws IOException {
    ExecResult r = qemuIo(true, uri, "read -P " + pattern + " " + offset + " " + length);
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdoutText()).doesNotContain("Pattern verification failed");
  }

  private static Path randomFile(Path file, long bytes, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < bytes; done += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
      }
    }
    return file;
  }

  /** SHA-256 of the first {@code length} bytes of a file. */
  private static String sha256(Path file, long length) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 20];
      long left = length;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException(file + " is shorter than " + length);
        }
        digest.update(buf, 0, n);
        left -= n;
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private DoppelConfig config() {
    return DoppelConfig.standard(tmp.resolve("data"));
  }

  @Test
  void nbdinfoReportsSizeReadOnlyFlagAndTheExportList() throws Exception {
    DoppelConfig c = config().volume("disk", "32M", false, -1).volume("ro", "1M", true, 0);
    DoppelProcess d = start(c);

    String disk = ok("nbdinfo", "--json", c.nbdUri("disk")).stdoutText();
    assertThat(disk).contains("\"export-size\": 33554432").contains("\"is_read_only\": false");
    String ro = ok("nbdinfo", "--json", c.nbdUri("ro")).stdoutText();
    assertThat(ro).contains("\"export-size\": 1048576").contains("\"is_read_only\": true");
    assertThat(ok("nbdinfo", "--size", c.nbdUri("disk")).stdoutText().strip())
        .isEqualTo("33554432");

    String list = ok("nbdinfo", "--list", "nbd://127.0.0.1:" + c.nbdPort()).stdoutText();
    assertThat(list).contains("export=\"disk\"").contains("export=\"ro\"");
    ExecResult unknown = run("nbdinfo", c.nbdUri("nope"));
    assertThat(unknown.exitCode()).as("%s", unknown).isNotZero();

    String status = d.admin("/status");
    assertThat(status)
        .contains("\"nbdPort\" : " + c.nbdPort())
        .contains("\"name\" : \"disk\"")
        .contains("\"sizeBytes\" : 33554432")
        .contains("\"readOnly\" : true");
    assertThat(Files.readString(d.configFile().resolveSibling("doppel.log")))
        .containsPattern("event=listening nfs_port=" + c.nfsPort() + " .*nbd_port=" + c.nbdPort());
    ExecResult cli =
        d.cli(Duration.ofSeconds(60), "status", "--admin", "http://127.0.0.1:" + c.adminPort());
    assertThat(cli.exitCode()).as("%s", cli).isZero();
    assertThat(cli.stdoutText())
        .contains("nbd port " + c.nbdPort())
        .containsPattern("disk +32 MiB rw")
        .containsPattern("ro +1 MiB ro");
  }

  @Test
  void qemuIoPatternsRoundTripAcrossConnections() throws Exception {
    DoppelConfig c = config().volume("disk", "32M", false, -1);
    start(c);
    String uri = c.nbdUri("disk");
    ExecResult w = qemuIo(uri, "write -P 0x5a 0 1M", "read -P 0x5a 0 1M", "write -P 0xa5 4M 64k");
    assertThat(w.exitCode()).as("%s", w).isZero();
    assertThat(w.stdoutText()).doesNotContain("verification failed");
    assertPattern(uri, "0x5a", "0", "1M");
    assertPattern(uri, "0xa5", "4M", "64k");
    assertPattern(uri, "0", "8M", "1M"); // never written: a sparse image reads as zeroes

    ExecResult wrong = qemuIo(uri, "read -P 0x11 0 4k");
    assertThat(wrong.stdoutText()).as("the check can fail").contains("Pattern verification failed");

    ExecResult zero = qemuIo(uri, "write -z 0 512k", "discard 2M 1M");
    assertThat(zero.exitCode()).as("%s", zero).isZero();
    assertPattern(uri, "0", "0", "512k");
    assertPattern(uri, "0x5a", "512k", "512k");
  }

  @Test
  void nbdcopyCopies64MibInAndOutExactlyWithAndWithoutCache() throws Exception {
    DoppelConfig c = config().volume("cached", "64M", false, -1).volume("plain", "64M", false, 0);
    start(c);
    Path in = randomFile(tmp.resolve("in.bin"), 64 * MIB, 42);
    String expected = sha256(in, 64 * MIB);
    for (String volume : List.of("cached", "plain")) {
      ok("nbdcopy", in.toString(), c.nbdUri(volume));
      Path out = tmp.resolve(volume + "-out.bin");
      ok("nbdcopy", c.nbdUri(volume), out.toString());
      assertThat(Files.size(out)).isEqualTo(64 * MIB);
      assertThat(sha256(out, 64 * MIB)).as("volume %s", volume).isEqualTo(expected);
      // a second read of the cached volume is served from memory and must be identical too
      Path again = tmp.resolve(volume + "-again.bin");
      ok("nbdcopy", c.nbdUri(volume), again.toString());
      assertThat(sha256(again, 64 * MIB)).as("volume %s re-read", volume).isEqualTo(expected);
    }
  }

  @Test
  void qemuImgConvertWritesIntoAnExistingVolume() throws Exception {
    DoppelConfig c = config().volume("conv", "16M", false, -1);
    start(c);
    Path src = randomFile(tmp.resolve("src.raw"), 16 * MIB, 7);
    ok("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), c.nbdUri("conv"));
    Path out = tmp.resolve("conv-out.raw");
    ok("nbdcopy", c.nbdUri("conv"), out.toString());
    assertThat(sha256(out, 16 * MIB)).isEqualTo(sha256(src, 16 * MIB));
    ExecResult compare =
        run("qemu-img", "compare", "-f", "raw", "-F", "raw", src.toString(), out.toString());
    assertThat(compare.exitCode()).as("%s", compare).isZero();
  }

  @Test
  void aReadOnlyVolumeRefusesWrites() throws Exception {
    DoppelConfig c = config().volume("ro", "1M", true, -1);
    start(c);
    ExecResult qemu = qemuIo(c.nbdUri("ro"), "write -P 0x77 0 4k");
    assertThat(qemu.exitCode()).as("%s", qemu).isNotZero();
    assertThat(qemu.stderr()).contains("Permission denied");
    ExecResult copy =
        run("nbdcopy", randomFile(tmp.resolve("x"), MIB, 1).toString(), c.nbdUri("ro"));
    assertThat(copy.exitCode()).as("%s", copy).isNotZero();
    assertThat(copy.stderr()).contains("read-only");
    // A client that ignores NBD_FLAG_READ_ONLY and writes anyway gets EPERM (proto.md).
    try (RawNbdClient raw = RawNbdClient.connect(c.nbdPort(), "ro")) {
      assertThat(raw.transmissionFlags() & RawNbdClient.TRANSMISSION_READ_ONLY).isNotZero();
      byte[] data = new byte[4096];
      Arrays.fill(data, (byte) 0x77);
      assertThat(raw.write(0, data, 0).error()).isEqualTo(RawNbdClient.EPERM);
      RawNbdClient.Reply read = raw.read(0, 4096);
      assertThat(read.error()).isZero();
      assertThat(read.data()).containsOnly((byte) 0);
    }
    assertPattern(c.nbdUri("ro"), "0", "0", "1M");
  }

  @Test
  void dataSurvivesASigtermRestart() throws Exception {
    DoppelConfig c = config().volume("disk", "32M", false, -1);
    DoppelProcess d = start(c);
    ExecResult w = qemuIo(c.nbdUri("disk"), "write -P 0x42 1M 2M");
    assertThat(w.exitCode()).as("%s", w).isZero();
    d.stop();
    assertThat(d.alive()).isFalse();
    assertThat(Files.readString(d.configFile().resolveSibling("doppel.log")))
        .contains("event=nbd_stopped");
    d.start();
    assertPattern(c.nbdUri("disk"), "0x42", "1M", "2M");
    assertPattern(c.nbdUri("disk"), "0", "0", "1M");
  }

  @Test
  void fuaWritesSurviveSigkill() throws Exception {
    DoppelConfig c = config().volume("disk", "32M", false, -1);
    DoppelProcess d = start(c);
    ExecResult w = qemuIo(c.nbdUri("disk"), "write -f -P 0x33 0 1M");
    assertThat(w.exitCode()).as("%s", w).isZero();
    // The raw client's FUA write is acknowledged, then the server dies with the connection open:
    // no FLUSH, no DISC, no clean close.
    byte[] block = new byte[64 * 1024];
    Arrays.fill(block, (byte) 0x44);
    RawNbdClient raw = RawNbdClient.connect(c.nbdPort(), "disk");
    try {
      assertThat(raw.write(4 * MIB, block, RawNbdClient.FLAG_FUA).error()).isZero();
      d.kill();
    } finally {
      raw.close();
    }
    d.start();
    assertPattern(c.nbdUri("disk"), "0x33", "0", "1M");
    assertPattern(c.nbdUri("disk"), "0x44", "4M", "64k");
  }
}
