package io.doppel.cluster.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fencing hook runs as a real process: exit 0 in time is the only success. */
class HookFencerTest {
  @TempDir Path dir;
  final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private HookFencer fencer(String body, Duration timeout) throws Exception {
    Path script = dir.resolve("fence.sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new HookFencer(script, new ProcessCommandRunner(), timeout, executor);
  }

  @Test
  void exitZeroFencesAndGetsTheNodeAsArgumentAndEnvironment() throws Exception {
    Path seen = dir.resolve("seen");
    HookFencer f =
        fencer("echo \"$1 $DOPPEL_FENCE_NODE\" > " + seen + "; exit 0", Duration.ofSeconds(10));
    assertThat(f.fence(new NodeId("b")).get(20, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(seen).strip()).isEqualTo("b b");
  }

  @Test
  void nonZeroExitOrTimeoutIsNotFenced() throws Exception {
    assertThat(
            fencer("exit 1", Duration.ofSeconds(10))
                .fence(new NodeId("b"))
                .get(20, TimeUnit.SECONDS))
        .isFalse();
    long start = System.nanoTime();
    assertThat(
            fencer("sleep 30", Duration.ofMillis(300))
                .fence(new NodeId("b"))
                .get(20, TimeUnit.SECONDS))
        .isFalse();
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void missingScriptIsNotFenced() throws Exception {
    HookFencer f =
        new HookFencer(
            dir.resolve("nope"), new ProcessCommandRunner(), Duration.ofSeconds(5), executor);
    assertThat(f.fence(new NodeId("b")).get(20, TimeUnit.SECONDS)).isFalse();
  }
}
