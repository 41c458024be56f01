package io.doppel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the whole multi-node demo with ephemeral ports: start, self-check, failover, stop. */
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void demoStartsThreeNodesChecksAndFailsVs1OverToB() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new DemoCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "--dir",
            dir.toString(),
            "--port",
            "0",
            "--nbd-port",
            "0",
            "--admin-port",
            "0",
            "--exit-after-check");
    String text = out.toString();
    assertThat(code).as("stdout:%n%s%nstderr:%n%s", text, err).isZero();
    assertThat(text)
        .contains("nfs-ls \"nfs://127.0.0.1/demo/?nfsport=")
        .contains("nfs-cp /etc/hostname \"nfs://127.0.0.1/demo/hostname")
        .contains("nfs-cat \"nfs://127.0.0.1/demo/hostname")
        .containsPattern("nbdinfo nbd://127\\.0\\.0\\.1:\\d+/demo")
        .containsPattern("doppel status --admin http://127\\.0\\.0\\.1:\\d+")
        .contains("doppel events --socket " + dir.resolve("events-a.sock"))
        .contains("not yet the data")
        .containsPattern("failover: completed in \\d+ ms: vs1 moved from a to b \\(holder b\\)")
        .contains("demo: all checks passed");
    assertThat(text).doesNotContain("FAILED");
    if (NfsTools.find("nfs-cp").isPresent()) {
      assertThat(text).contains("self-check: ok");
    }
    assertThat(Files.readString(dir.resolve("a.toml")))
        .contains("nodes = [\"a\", \"b\"]", "[replication]", "[cluster.witness]");
    assertThat(Files.exists(dir.resolve("w.toml"))).isTrue();
    // everything was closed: no node still carries the simulated address
    assertThat(Files.exists(DemoCluster.vipMarker(dir, "a"))).isFalse();
    assertThat(Files.exists(DemoCluster.vipMarker(dir, "b"))).isFalse();
  }
}
