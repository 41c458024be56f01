package io.doppel.it.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.it.DoppelConfig;
import io.doppel.it.DoppelProcess;
import io.doppel.it.Exec;
import io.doppel.it.ExecResult;
import io.doppel.it.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator-driven takeover of a mirrored volume (ISSUE3 "How it must be shown": SIGKILL the
 * primary, promote the backup, no acknowledged write missing; split brain refused). Two real doppel
 * processes, real {@code qemu-io} as the NBD client, {@code doppel volume promote} as the operator.
 */
class MirrorFailoverIT {
  private static final String VOLUME = "demo";
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;

  private DoppelProcess a;
  private DoppelProcess b;

  private void start() throws IOException {
    int portA = Ports.free();
    int portB = Ports.free();
    Map<String, String> peers = Map.of("a", "127.0.0.1:" + portA, "b", "127.0.0.1:" + portB);
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    b = new DoppelProcess(dir.resolve("b"), node("b", portB, peers));
    b.start();
    a = new DoppelProcess(dir.resolve("a"), node("a", portA, peers));
    a.start();
  }

  private DoppelConfig node(String name, int port, Map<String, String> peers) {
    return DoppelConfig.standard(dir.resolve(name + "/data"))
        .nodeName(name)
        .volume(VOLUME, "16M", false, 0)
        .mirror(VOLUME, List.of("a", "b"))
        .replication("127.0.0.1:" + port, peers, 1000);
  }

  /** Writes 8 MiB of 0x5a with FUA through the primary, kills it, promotes the backup. */
  private void writeKillPromote() throws Exception {
    awaitStatus(a, "\"state\"\\s*:\\s*\"IN_SYNC\"");
    ExecResult w = qemuIo(a, "write -f -P 0x5a 0 8M");
    assertThat(w.stdoutText()).contains("wrote 8388608/8388608 bytes");
    a.kill();
    ExecResult promoted = b.cli(TOOL_TIMEOUT, "volume", "promote", VOLUME, "--admin", adminUrl(b));
    assertThat(promoted.exitCode()).as("%s", promoted).isZero();
    assertThat(promoted.stdoutText()).contains("now primary");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void promotedBackupHasEveryAcknowledgedWrite() throws Exception {
    start();
    try {
      writeKillPromote();
      ExecResult r = qemuIo(b, "read -P 0x5a 0 8M");
      assertThat(r.stdoutText()).contains("read 8388608/8388608 bytes").doesNotContain("failed");
      // The promoted node serves writes in its new epoch (no backup connected: it keeps serving).
      assertThat(qemuIo(b, "write -f -P 0x33 8M 1M").stdoutText()).contains("wrote 1048576");
      ExecResult status = b.cli(TOOL_TIMEOUT, "volume", "status", VOLUME, "--admin", adminUrl(b));
      assertThat(status.exitCode()).as("%s", status).isZero();
      // a served in the first epoch counter, b's promotion took the next (NodeEpochs)
      java.util.regex.Matcher epoch =
          java.util.regex.Pattern.compile("primary, epoch (\\d+)").matcher(status.stdoutText());
      assertThat(epoch.find()).as("%s", status).isTrue();
      assertThat(io.doppel.replication.history.NodeEpochs.counter(Long.parseLong(epoch.group(1))))
          .isEqualTo(2);
    } finally {
      a.stop();
      b.stop();
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void demotedBackupRefusesNbdAndPromotionIsIdempotent() throws Exception {
    start();
    try {
      awaitStatus(a, "\"state\"\\s*:\\s*\"IN_SYNC\"");
      ExecResult again = a.cli(TOOL_TIMEOUT, "volume", "promote", VOLUME, "--admin", adminUrl(a));
      assertThat(again.stdoutText()).contains("already primary");
      ExecResult demoted = a.cli(TOOL_TIMEOUT, "volume", "demote", VOLUME, "--admin", adminUrl(a));
      assertThat(demoted.exitCode()).as("%s", demoted).isZero();
      assertThat(demoted.stdoutText()).contains("now backup");
      ExecResult refused =
          Exec.run(
              TOOL_TIMEOUT,
              List.of("qemu-io", "-f", "raw", "-c", "read 0 4k", a.config().nbdUri(VOLUME)));
      assertThat(refused.exitCode()).isNotZero();
      assertThat(a.admin("/status")).containsPattern("\"role\"\\s*:\\s*\"BACKUP\"");
    } finally {
      a.stop();
      b.stop();
    }
  }

  private static String adminUrl(DoppelProcess p) {
    return "http://127.0.0.1:" + p.config().adminPort();
  }

  private static ExecResult qemuIo(DoppelProcess p, String command) throws IOException {
    ExecResult r =
        Exec.run(
            TOOL_TIMEOUT,
            List.of("qemu-io", "-f", "raw", "-c", command, p.config().nbdUri(VOLUME)));
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r;
  }

  private static void awaitStatus(DoppelProcess p, String regex) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String status = "";
    while (System.nanoTime() < deadline) {
      status = p.admin("/status");
      if (status.matches("(?s).*" + regex + ".*")) {
        return;
      }
      Thread.sleep(100); // polling a condition with a deadline
    }
    throw new AssertionError("never " + regex + ": " + status + "\n" + p.logTail(40));
  }
}
