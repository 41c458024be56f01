package io.doppel.it.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doppel.it.DoppelProcess;
import io.doppel.it.Exec;
import io.doppel.it.ExecResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** What the mirrored-volume ITs share: the admin view of a volume and a checked qemu-io run. */
final class MirrorTools {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

  private MirrorTools() {}

  /** One start attempt (numbered from 1). */
  @FunctionalInterface
  interface Attempt {
    void run(int attempt) throws IOException;
  }

  /**
   * Starts processes up to three times: a port chosen before its process binds it can be taken by
   * another node's outgoing connection first; then everything started stops and all start again on
   * fresh ports.
   */
  static void retryOnPortClash(Attempt start, Runnable stopStarted) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        start.run(attempt);
        return;
      } catch (IllegalStateException e) {
        stopStarted.run();
        if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  static String adminUrl(DoppelProcess p) {
    return "http://127.0.0.1:" + p.config().adminPort();
  }

  /** Runs qemu-io on the node's NBD export of {@code volume}; asserts it succeeded. */
  static ExecResult qemuIo(DoppelProcess p, String volume, String... commands) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
    for (String c : commands) {
      cmd.addAll(List.of("-c", c));
    }
    cmd.add(p.config().nbdUri(volume));
    ExecResult r = Exec.run(TOOL_TIMEOUT, cmd);
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.stdoutText()).as("%s", r).doesNotContain("failed").doesNotContain("error");
    return r;
  }

  /** The volume's {@code mirror} object in the node's /status. */
  static JsonNode mirror(DoppelProcess p, String volume) throws Exception {
    for (JsonNode v : JSON.readTree(p.admin("/status")).path("volumes")) {
      if (v.path("name").asText().equals(volume) && v.path("mirror").isObject()) {
        return v.path("mirror");
      }
    }
    throw new AssertionError("no mirrored volume " + volume + " in " + p.admin("/status"));
  }

  static JsonNode replica(JsonNode mirror, String node) {
    for (JsonNode r : mirror.path("replicas")) {
      if (r.path("node").asText().equals(node)) {
        return r;
      }
    }
    return JSON.createObjectNode();
  }

  static String replicaState(JsonNode mirror, String node) {
    return replica(mirror, node).path("state").asText("");
  }

  /** Polls the volume's mirror status until {@code condition} holds (60 s deadline). */
  static JsonNode awaitMirror(
      DoppelProcess p, String volume, Predicate<JsonNode> condition, String what) throws Exception {
    return awaitMirror(p, volume, condition, what, Duration.ofSeconds(60));
  }

  /** Polls the volume's mirror status until {@code condition} holds. */
  static JsonNode awaitMirror(
      DoppelProcess p, String volume, Predicate<JsonNode> condition, String what, Duration max)
      throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    JsonNode m = null;
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        m = mirror(p, volume);
        if (condition.test(m)) {
          return m;
        }
      } catch (IOException e) {
        last = e; // an admin request timed out on a loaded machine: ask again until the deadline
      }
      Thread.sleep(100); // polling a condition with a deadline
    }
    throw new AssertionError(
        volume + " never " + what + ": " + m + " (last error " + last + ")\n" + p.logTail(40));
  }
}
