package io.doppel.it.mirror;

import static io.doppel.it.mirror.MirrorTools.adminUrl;
import static io.doppel.it.mirror.MirrorTools.awaitMirror;
import static io.doppel.it.mirror.MirrorTools.mirror;
import static io.doppel.it.mirror.MirrorTools.qemuIo;
import static io.doppel.it.mirror.MirrorTools.replica;
import static io.doppel.it.mirror.MirrorTools.replicaState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.doppel.it.DoppelConfig;
import io.doppel.it.DoppelProcess;
import io.doppel.it.Exec;
import io.doppel.it.ExecResult;
import io.doppel.it.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * N:1 backup (ISSUE3 seed 002, "N:1 takeover of one volume while another keeps mirroring"): node c
 * is the backup of v1 (primary a) and of v2 (primary b). After a SIGKILL of a and {@code doppel
 * volume promote v1} on c, c serves v1 over NBD with every acknowledged byte, while b keeps
 * mirroring v2 into c, which stays a backup of v2 and does not export it. Three real doppel
 * processes, real {@code qemu-io}, {@code nbdinfo} and {@code nbdcopy} as clients.
 */
class NToOneTakeoverIT {
  private static final String V1 = "v1";
  private static final String V2 = "v2";
  private static final int MIB = 1 << 20;
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final Map<String, DoppelProcess> nodes = new LinkedHashMap<>();
  private Path root;

  /**
   * Starts c, a, b. Ports are chosen before the processes bind them, so an outgoing connection of
   * an earlier node can take one first: then all stop and start again on fresh ports.
   */
  private void start() throws IOException {
    MirrorTools.retryOnPortClash(
        attempt -> {
          root = dir.resolve("attempt-" + attempt);
          startOnce();
        },
        () -> {
          nodes.values().forEach(DoppelProcess::stop);
          nodes.clear();
        });
  }

  private void startOnce() throws IOException {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String n : List.of("a", "b", "c")) {
      ports.put(n, Ports.free());
    }
    Map<String, String> peers = new LinkedHashMap<>();
    ports.forEach((n, p) -> peers.put(n, "127.0.0.1:" + p));
    DoppelConfig a = base("a", ports, peers).volume(V1, "16M", false, 0);
    DoppelConfig b = base("b", ports, peers).volume(V2, "16M", false, 0);
    DoppelConfig c =
        base("c", ports, peers).volume(V1, "16M", false, 0).volume(V2, "16M", false, 0);
    // The backup first, so both primaries find it at once.
    for (var e : List.of(Map.entry("c", c), Map.entry("a", a), Map.entry("b", b))) {
      Files.createDirectories(root.resolve(e.getKey()));
      DoppelProcess p = new DoppelProcess(root.resolve(e.getKey()), e.getValue());
      nodes.put(e.getKey(), p);
      p.start();
    }
  }

  private DoppelConfig base(String name, Map<String, Integer> ports, Map<String, String> peers) {
    return DoppelConfig.standard(root.resolve(name + "/data"))
        .nodeName(name)
        .mirror(V1, List.of("a", "c"))
        .mirror(V2, List.of("b", "c"))
        // A generous ack timeout: v2 leaving sync must mean the takeover disturbed it, not load.
        .replication("127.0.0.1:" + ports.get(name), peers, 3000);
  }

  private Path image(String node, String volume) {
    return root.resolve(node + "/data/volumes/" + volume + ".img");
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void backupTakesOverOneVolumeAndKeepsMirroringTheOther() throws Exception {
    long t0 = System.nanoTime();
    start();
    DoppelProcess a = nodes.get("a");
    DoppelProcess b = nodes.get("b");
    DoppelProcess c = nodes.get("c");
    try {
      awaitMirror(a, V1, m -> replicaState(m, "c").equals("IN_SYNC"), "c IN_SYNC");
      awaitMirror(b, V2, m -> replicaState(m, "c").equals("IN_SYNC"), "c IN_SYNC");
      // Acknowledged (FUA) writes through the two primaries, distinct patterns.
      qemuIo(a, V1, "write -f -P 0x5a 0 6M", "write -f -P 0xa5 6M 2M");
      qemuIo(b, V2, "write -f -P 0x3c 0 8M");
      long epochBefore = mirror(a, V1).path("epoch").asLong();
      assertThat(mirror(c, V1).path("role").asText()).isEqualTo("BACKUP");
      int v2TransitionsBefore = v2LeftSync(b);
      assertThat(Files.readString(logOf(b))).contains("event=replica_state volume=" + V2 + " ");

      a.kill();
      ExecResult promoted = c.cli(TOOL_TIMEOUT, "volume", "promote", V1, "--admin", adminUrl(c));
      assertThat(promoted.exitCode()).as("%s", promoted).isZero();
      assertThat(promoted.stdoutText()).contains("now primary");

      // c serves v1 with every acknowledged byte of a.
      qemuIo(c, V1, "read -P 0x5a 0 6M", "read -P 0xa5 6M 2M", "read -P 0 8M 8M");
      JsonNode v1 = mirror(c, V1);
      assertThat(v1.path("role").asText()).isEqualTo("PRIMARY");
      assertThat(v1.path("epoch").asLong()).isGreaterThan(epochBefore);
      JsonNode v2 = mirror(c, V2);
      assertThat(v2.path("role").asText()).isEqualTo("BACKUP");
      assertThat(v2.path("replicas").size()).isZero();

      // c exports v1 only: v2 is still a backup there.
      String list = tool("nbdinfo", "--list", "nbd://127.0.0.1:" + c.config().nbdPort());
      assertThat(list).contains("export=\"" + V1 + "\"").doesNotContain("export=\"" + V2 + "\"");
      ExecResult v2OnC =
          Exec.run(TOOL_TIMEOUT, List.of("nbdinfo", "--size", c.config().nbdUri(V2)));
      assertThat(v2OnC.exitCode()).as("%s", v2OnC).isNotZero();

      v2KeepsMirroring(b, c, v2TransitionsBefore);
    } finally {
      for (DoppelProcess p : nodes.values()) {
        p.stop();
      }
    }
    System.out.printf(
        "NToOneTakeoverIT: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /** After the takeover of v1, b keeps mirroring v2 into c: new writes, byte-for-byte images. */
  private void v2KeepsMirroring(DoppelProcess b, DoppelProcess c, int leftSyncBefore)
      throws Exception {
    // b keeps mirroring v2 into c after the takeover.
    qemuIo(b, V2, "write -f -P 0xc3 4M 4M", "write -f -P 0x77 12M 1M");
    long lastSeq = mirror(b, V2).path("lastSeq").asLong();
    awaitMirror(
        b,
        V2,
        m ->
            replicaState(m, "c").equals("IN_SYNC")
                && replica(m, "c").path("durableSeq").asLong() >= lastSeq,
        "c IN_SYNC through seq " + lastSeq);
    assertThat(mirror(c, V2).path("lastSeq").asLong()).isGreaterThanOrEqualTo(lastSeq);
    assertThat(v2LeftSync(b)).as("v2 left sync during v1's takeover").isEqualTo(leftSyncBefore);

    // Byte for byte: b's image, c's image, and what b serves over NBD.
    byte[] expected = new byte[16 * MIB];
    Arrays.fill(expected, 0, 4 * MIB, (byte) 0x3c);
    Arrays.fill(expected, 4 * MIB, 8 * MIB, (byte) 0xc3);
    Arrays.fill(expected, 12 * MIB, 13 * MIB, (byte) 0x77);
    Path served = dir.resolve("v2-from-b.img");
    tool("nbdcopy", b.config().nbdUri(V2), served.toString());
    assertThat(Files.readAllBytes(served)).isEqualTo(expected);
    assertThat(Files.readAllBytes(image("b", V2))).isEqualTo(expected);
    assertThat(Files.readAllBytes(image("c", V2))).isEqualTo(expected);
  }

  /** How many times b's log says v2's replica left IN_SYNC. */
  private int v2LeftSync(DoppelProcess b) throws IOException {
    int n = 0;
    for (String line : Files.readAllLines(logOf(b))) {
      if (line.contains("event=replica_state volume=" + V2 + " ")
          && line.contains("from=IN_SYNC")) {
        n++;
      }
    }
    return n;
  }

  private static Path logOf(DoppelProcess p) {
    return p.configFile().resolveSibling("doppel.log");
  }

  private static String tool(String... command) throws IOException {
    ExecResult r = Exec.run(TOOL_TIMEOUT, List.of(command));
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.stdoutText();
  }
}
