package io.doppel.it.mirror;

import static io.doppel.it.mirror.MirrorTools.adminUrl;
import static io.doppel.it.mirror.MirrorTools.awaitMirror;
import static io.doppel.it.mirror.MirrorTools.mirror;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split brain made by operator mistakes (ISSUE3 "split brain refused", "an operator command chooses
 * the survivor"): a writes P1 (mirrored), b dies, a writes P2 alone, a dies, b comes back and is
 * promoted although stale, b writes P3, a comes back as primary. Both histories changed after their
 * common prefix: a must refuse to resync b automatically (b DIVERGED, b's image untouched) until
 * the operator demotes b and runs {@code doppel volume resync v --discard b} on a; then a full copy
 * makes b's image identical to a's (P1 and P2, no P3).
 */
class SplitBrainIT {
  private static final String VOLUME = "v";
  private static final int MIB = 1 << 20;
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private DoppelProcess a;
  private DoppelProcess b;
  private Path root;

  /** Starts b, then a; again on fresh ports when one was taken before its server bound it. */
  private void start() throws IOException {
    MirrorTools.retryOnPortClash(
        attempt -> {
          root = dir.resolve("attempt-" + attempt);
          startOnce();
        },
        () -> {
          for (DoppelProcess p : new DoppelProcess[] {a, b}) {
            if (p != null) {
              p.stop();
            }
          }
        });
  }

  private void startOnce() throws IOException {
    a = null;
    b = null;
    int portA = Ports.free();
    int portB = Ports.free();
    Map<String, String> peers = Map.of("a", "127.0.0.1:" + portA, "b", "127.0.0.1:" + portB);
    Files.createDirectories(root.resolve("a"));
    Files.createDirectories(root.resolve("b"));
    b = new DoppelProcess(root.resolve("b"), node("b", portB, peers));
    b.start();
    a = new DoppelProcess(root.resolve("a"), node("a", portA, peers));
    a.start();
  }

  private DoppelConfig node(String name, int port, Map<String, String> peers) {
    return DoppelConfig.standard(root.resolve(name + "/data"))
        .nodeName(name)
        .volume(VOLUME, "16M", false, 0)
        .mirror(VOLUME, List.of("a", "b"))
        .replication("127.0.0.1:" + port, peers, 1000);
  }

  private Path image(String node) {
    return root.resolve(node + "/data/volumes/" + VOLUME + ".img");
  }

  /** P1 = 0x11 at [0, 4M), P2 = 0x22 at [2M, 6M), P3 = 0x33 at [8M, 10M). */
  private static byte[] expected(boolean p2, boolean p3) {
    byte[] img = new byte[16 * MIB];
    Arrays.fill(img, 0, 4 * MIB, (byte) 0x11);
    if (p2) {
      Arrays.fill(img, 2 * MIB, 6 * MIB, (byte) 0x22);
    }
    if (p3) {
      Arrays.fill(img, 8 * MIB, 10 * MIB, (byte) 0x33);
    }
    return img;
  }

  /** What both images hold at the end: P1, P2, and P4 = 0x44 at [12M, 13M) written after. */
  private static byte[] survivor() {
    byte[] img = expected(true, false);
    Arrays.fill(img, 12 * MIB, 13 * MIB, (byte) 0x44);
    return img;
  }

  /**
   * The order of the issue: a returns while the stale b still serves as primary. a must see the
   * fork at once (b DIVERGED), copy nothing, and keep refusing after b is demoted, until {@code
   * doppel volume resync v --discard b}.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void refusedWhileTheStalePromotedNodeStillServes() throws Exception {
    long t0 = System.nanoTime();
    start();
    try {
      makeSplitBrain();
      a.start(); // primary again, per its config, while b is primary too
      refusedAutomatically();
      // The stale primary b cannot discard a's replica: a is not DIVERGED as b sees it.
      assertThat(post(b, "/volume/resync?name=" + VOLUME + "&discard=a").statusCode())
          .isEqualTo(409);
      demoteB();
      awaitDiverged();
      operatorChoosesA();
    } finally {
      a.stop();
      b.stop();
    }
    assertThat(Files.readAllBytes(image("a"))).isEqualTo(survivor());
    assertThat(Files.readAllBytes(image("b"))).isEqualTo(survivor());
    System.out.printf(
        "SplitBrainIT (b still primary): %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /**
   * The operator demotes the stale b before a returns: b is a backup with a forked history, which a
   * must refuse to resync by itself just the same.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void refusedWhenTheStaleNodeWasDemotedFirst() throws Exception {
    long t0 = System.nanoTime();
    start();
    try {
      makeSplitBrain();
      demoteB();
      a.start();
      refusedAutomatically();
      operatorChoosesA();
    } finally {
      a.stop();
      b.stop();
    }
    assertThat(Files.readAllBytes(image("a"))).isEqualTo(survivor());
    assertThat(Files.readAllBytes(image("b"))).isEqualTo(survivor());
    System.out.printf(
        "SplitBrainIT (b demoted first): %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /** P1 on both, P2 on a only, b promoted although stale, P3 on b only; a is down at the end. */
  private void makeSplitBrain() throws Exception {
    awaitMirror(a, VOLUME, m -> replicaState(m, "b").equals("IN_SYNC"), "b IN_SYNC");
    qemuIo(a, "write -f -P 0x11 0 4M"); // P1, on both
    b.kill();
    qemuIo(a, "write -f -P 0x22 2M 4M"); // P2: only a has it, its dirty map says where
    assertThat(mirror(a, VOLUME).path("dirtyBytes").asLong()).isPositive();
    a.kill();
    b.start();
    assertThat(mirror(b, VOLUME).path("role").asText()).isEqualTo("BACKUP");
    ExecResult promoted = b.cli(TOOL_TIMEOUT, "volume", "promote", VOLUME, "--admin", adminUrl(b));
    assertThat(promoted.exitCode()).as("%s", promoted).isZero(); // the operator's mistake
    assertThat(promoted.stdoutText()).contains("now primary");
    qemuIo(b, "write -f -P 0x33 8M 2M"); // P3: only b has it, where a never wrote
  }

  private void demoteB() throws Exception {
    ExecResult demoted = b.cli(TOOL_TIMEOUT, "volume", "demote", VOLUME, "--admin", adminUrl(b));
    assertThat(demoted.exitCode()).as("%s", demoted).isZero();
    assertThat(demoted.stdoutText()).contains("now backup");
  }

  private void awaitDiverged() throws Exception {
    try {
      awaitMirror(
          a,
          VOLUME,
          m -> replicaState(m, "b").equals("DIVERGED"),
          "b DIVERGED",
          Duration.ofSeconds(20));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + b.logTail(30), e);
    }
  }

  private void refusedAutomatically() throws Exception {
    awaitDiverged();
    long epochA = lastLogEpoch(a, "mirror_primary");
    long epochB = lastLogEpoch(b, "mirror_promoted");
    System.out.printf(
        "SplitBrainIT: restarted primary a epoch=%d, promoted b epoch=%d%n", epochA, epochB);
    JsonNode m = mirror(a, VOLUME);
    assertThat(m.path("role").asText()).isEqualTo("PRIMARY");
    assertThat(m.path("epoch").asLong()).isEqualTo(epochA);
    assertThat(m.path("resyncBytesCopied").asLong()).as("a copied for b: %s", m).isZero();
    assertThat(replica(m, "b").path("resyncBytesDone").asLong()).isZero();
    assertThat(log(a)).contains("SplitBrain").containsPattern("replica=b from=\\w+ to=DIVERGED");
    // Nothing of a's reached b, nothing of b's reached a.
    assertThat(Files.readAllBytes(image("b"))).isEqualTo(expected(false, true));
    assertThat(Files.readAllBytes(image("a"))).isEqualTo(expected(true, false));
    qemuIo(a, "read -P 0x22 2M 4M", "read -P 0 8M 8M");
    assertThat(post(a, "/volume/resync?name=nope&discard=b").statusCode()).isEqualTo(404);
  }

  private void operatorChoosesA() throws Exception {
    long copiedBefore = mirror(a, VOLUME).path("resyncBytesCopied").asLong();
    ExecResult resync =
        a.cli(TOOL_TIMEOUT, "volume", "resync", VOLUME, "--discard", "b", "--admin", adminUrl(a));
    assertThat(resync.exitCode()).as("%s\n%s", resync, a.logTail(30)).isZero();
    JsonNode m = awaitMirror(a, VOLUME, x -> replicaState(x, "b").equals("IN_SYNC"), "b IN_SYNC");
    assertThat(log(a)).containsPattern("replica=b from=DIVERGED to=FULL_SYNC");
    long copied = m.path("resyncBytesCopied").asLong() - copiedBefore;
    System.out.printf("SplitBrainIT: the survivor's copy read %d bytes%n", copied);
    assertThat(copied).as("%s", m).isPositive();
    // In sync again: the command is refused now (409), and b holds a's data.
    assertThat(post(a, "/volume/resync?name=" + VOLUME + "&discard=b").statusCode()).isEqualTo(409);
    assertThat(Files.readAllBytes(image("b"))).isEqualTo(expected(true, false));
    // New writes through the survivor reach b again.
    qemuIo(a, "write -f -P 0x44 12M 1M");
    long lastSeq = mirror(a, VOLUME).path("lastSeq").asLong();
    awaitMirror(
        a,
        VOLUME,
        x ->
            replicaState(x, "b").equals("IN_SYNC")
                && replica(x, "b").path("durableSeq").asLong() >= lastSeq,
        "b durable through seq " + lastSeq);
  }

  /** The epoch of the last {@code event=NAME volume=v epoch=N} line in the node's log. */
  private static long lastLogEpoch(DoppelProcess p, String event) throws IOException {
    Matcher m =
        Pattern.compile("event=" + event + " volume=" + VOLUME + " epoch=(\\d+)").matcher(log(p));
    long epoch = -1;
    while (m.find()) {
      epoch = Long.parseLong(m.group(1));
    }
    assertThat(epoch).as("event=%s in %s", event, p.logTail(40)).isPositive();
    return epoch;
  }

  private static String log(DoppelProcess p) throws IOException {
    return Files.readString(p.configFile().resolveSibling("doppel.log"));
  }

  private static HttpResponse<String> post(DoppelProcess p, String pathAndQuery)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(adminUrl(p) + pathAndQuery))
              .timeout(Duration.ofSeconds(10))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
  }

  // The restarted primary a never saw the epoch b was promoted in, so its own new epoch may
  // collide with b's or be older than it; either way the fork must be refused, and the operator
  // must still be able to choose a as the survivor.

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void forkInTheSameEpochNumberIsStillRefused() throws Exception {
    start();
    try {
      awaitMirror(a, VOLUME, m -> replicaState(m, "b").equals("IN_SYNC"), "b IN_SYNC");
      qemuIo(a, "write -f -P 0x11 0 4M"); // P1, on both
      a.kill();
      ExecResult promoted =
          b.cli(TOOL_TIMEOUT, "volume", "promote", VOLUME, "--admin", adminUrl(b));
      assertThat(promoted.exitCode()).as("%s", promoted).isZero();
      qemuIo(b, "write -f -P 0x33 8M 2M"); // P3: only b
      long epochB = mirror(b, VOLUME).path("epoch").asLong();
      b.kill();
      a.start();
      qemuIo(a, "write -f -P 0x22 12M 2M"); // P2: only a, as many records as P3
      long epochA = mirror(a, VOLUME).path("epoch").asLong();
      System.out.printf("SplitBrainIT (same counter): epoch a=%d b=%d%n", epochA, epochB);
      b.start(); // a backup again, per its config, holding P3
      JsonNode m =
          awaitMirror(
              a,
              VOLUME,
              x -> List.of("DIVERGED", "IN_SYNC").contains(replicaState(x, "b")),
              "b DIVERGED or IN_SYNC",
              Duration.ofSeconds(30));
      byte[] imageB = Files.readAllBytes(image("b"));
      byte[] withP3 = new byte[16 * MIB];
      Arrays.fill(withP3, 0, 4 * MIB, (byte) 0x11);
      Arrays.fill(withP3, 8 * MIB, 10 * MIB, (byte) 0x33);
      byte[] p2 = new byte[2 * MIB];
      Arrays.fill(p2, (byte) 0x22);
      assertThat(replicaState(m, "b"))
          .as(
              "a calls b %s; b's image has P3: %s, has P2: %s; %s\n%s",
              replicaState(m, "b"),
              Arrays.equals(imageB, 8 * MIB, 10 * MIB, withP3, 8 * MIB, 10 * MIB),
              Arrays.equals(imageB, 12 * MIB, 14 * MIB, p2, 0, 2 * MIB),
              m,
              a.logTail(6))
          .isEqualTo("DIVERGED");
      assertThat(imageB).isEqualTo(withP3);
    } finally {
      a.stop();
      b.stop();
    }
  }

  /**
   * b is promoted three times while a is down, so its epoch climbs past the one a takes when it
   * restarts: a's stream is stale. a must be fenced (an event says so; it acknowledges no write and
   * copies nothing over b), and the operator must still be able to make a the survivor: demote b,
   * demote and promote a (a new epoch past b's, learned from the fencing), resync --discard b.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void restartedPrimaryInAnOlderEpochIsFencedAndCanStillSurvive() throws Exception {
    start();
    try {
      awaitMirror(a, VOLUME, m -> replicaState(m, "b").equals("IN_SYNC"), "b IN_SYNC");
      qemuIo(a, "write -f -P 0x11 0 4M"); // P1, on both
      a.kill();
      for (String verb : List.of("promote", "demote", "promote", "demote", "promote")) {
        volume(b, verb);
      }
      qemuIo(b, "write -f -P 0x33 8M 2M"); // P3: only b
      long epochB = mirror(b, VOLUME).path("epoch").asLong();
      a.start(); // primary again, per its config, while b is primary too
      long epochA = mirror(a, VOLUME).path("epoch").asLong();
      System.out.printf("SplitBrainIT (older epoch): epoch a=%d b=%d%n", epochA, epochB);
      assertThat(epochA).isLessThan(epochB);
      awaitLog(a, "detail=Fenced[resource=" + VOLUME + ", epoch=" + epochA);
      ExecResult write =
          Exec.run(
              TOOL_TIMEOUT,
              List.of("qemu-io", "-f", "raw", "-c", "write -f -P 0x44 12M 64k", uri(a)));
      assertThat(write.exitCode() != 0 || write.stdoutText().contains("failed"))
          .as("a fenced primary acknowledged a write: %s", write)
          .isTrue();
      assertThat(mirror(a, VOLUME).path("resyncBytesCopied").asLong()).isZero();
      byte[] withP3 = new byte[16 * MIB];
      Arrays.fill(withP3, 0, 4 * MIB, (byte) 0x11);
      Arrays.fill(withP3, 8 * MIB, 10 * MIB, (byte) 0x33);
      assertThat(Files.readAllBytes(image("b"))).isEqualTo(withP3);

      volume(b, "demote");
      volume(a, "demote");
      String promoted = volume(a, "promote");
      long epochA2 = mirror(a, VOLUME).path("epoch").asLong();
      assertThat(epochA2).as("%s", promoted).isGreaterThan(epochB);
      JsonNode m =
          awaitMirror(
              a,
              VOLUME,
              x -> replicaState(x, "b").equals("DIVERGED"),
              "b DIVERGED",
              Duration.ofSeconds(20));
      ExecResult resync =
          a.cli(TOOL_TIMEOUT, "volume", "resync", VOLUME, "--discard", "b", "--admin", adminUrl(a));
      assertThat(resync.exitCode()).as("%s %s", resync, m).isZero();
      awaitMirror(a, VOLUME, x -> replicaState(x, "b").equals("IN_SYNC"), "b IN_SYNC");
      byte[] p1 = new byte[16 * MIB];
      Arrays.fill(p1, 0, 4 * MIB, (byte) 0x11);
      assertThat(Files.readAllBytes(image("b"))).isEqualTo(p1);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + staleEpochMetrics() + b.logTail(15), e);
    } finally {
      a.stop();
      b.stop();
    }
  }

  /** Runs {@code doppel volume VERB v} against the node; returns its output. */
  private static String volume(DoppelProcess p, String verb) throws IOException {
    ExecResult r = p.cli(TOOL_TIMEOUT, "volume", verb, VOLUME, "--admin", adminUrl(p));
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.stdoutText();
  }

  private static void awaitLog(DoppelProcess p, String text) throws Exception {
    Path log = p.configFile().resolveSibling("doppel.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(100); // polling a condition with a deadline
    }
    throw new AssertionError("no \"" + text + "\" in the log\n" + p.logTail(30));
  }

  private static String uri(DoppelProcess p) {
    return p.config().nbdUri(VOLUME);
  }

  private String staleEpochMetrics() {
    try {
      StringBuilder out = new StringBuilder();
      for (String line : a.admin("/metrics").split("\n")) {
        if (line.startsWith("doppel_replication_stale_epoch_total")
            || line.startsWith("doppel_replication_refusals_total")) {
          out.append("a: ").append(line).append('\n');
        }
      }
      return out.toString();
    } catch (IOException | InterruptedException e) {
      return "(no metrics: " + e + ")\n";
    }
  }

  private static void qemuIo(DoppelProcess p, String... commands) throws IOException {
    MirrorTools.qemuIo(p, VOLUME, commands);
  }
}
