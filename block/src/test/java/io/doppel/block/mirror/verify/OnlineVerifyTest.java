package io.doppel.block.mirror.verify;

import static io.doppel.block.mirror.MirrorTests.awaitTrue;
import static io.doppel.block.mirror.MirrorTests.freePort;
import static io.doppel.block.mirror.MirrorTests.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.mirror.MirrorHost;
import io.doppel.block.mirror.MirroredVolume;
import io.doppel.block.volume.FileVolume;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online verify between a primary and a backup MirrorHost on 127.0.0.1, real images on disk. */
class OnlineVerifyTest {
  private static final long SIZE = 8L << 20;
  private static final int REGION = 64 << 10;

  @TempDir Path dir;
  private Path primaryImg;
  private Path backupImg;
  private MirrorHost backup;
  private MirrorHost primary;
  private MirroredVolume volume;

  @BeforeEach
  void start() throws Exception {
    int port = freePort();
    primaryImg = dir.resolve("p.img");
    backupImg = dir.resolve("b.img");
    backup = host("b", new InetSocketAddress("127.0.0.1", port), port);
    backup.openBackup("v", backupImg, SIZE);
    backup.start();
    primary = host("a", null, port);
    volume =
        primary.openPrimary(
            FileVolume.createOrOpen("v", primaryImg, SIZE, false), primaryImg, List.of("b"));
    awaitTrue(this::inSync, "backup in sync");
    Random random = new Random(11);
    for (int i = 0; i < 64; i++) {
      byte[] data = new byte[REGION];
      random.nextBytes(data);
      volume.write((long) i * 2 * REGION, ByteBuffer.wrap(data), false);
    }
    volume.flush();
  }

  @AfterEach
  void stop() throws Exception {
    volume.close();
    primary.close();
    backup.close();
  }

  @Test
  void identicalReplicasVerifyCleanOverTheWholeVolume() throws Exception {
    VerifyReport r = runVerify(VerifyOptions.DEFAULT.withRate(0));
    assertThat(r.state()).isEqualTo(VerifyState.DONE);
    assertThat(r.bytesDone()).isEqualTo(SIZE);
    assertThat(r.regionBytes()).isEqualTo(REGION);
    assertThat(r.replicas())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.node()).isEqualTo("b");
              assertThat(b.verifiedBytes()).isEqualTo(SIZE);
              assertThat(b.unverifiedBytes()).isZero();
              assertThat(b.differing()).isEmpty();
            });
    assertThat(r.clean()).isTrue();
  }

  @Test
  void corruptedBackupRegionIsReportedExactlyAndRepairMakesThemEqual() throws Exception {
    // Behind the stream's back: bytes inside region 37 and one byte at the start of region 90.
    corruptBackup(37L * REGION + 1000, new byte[] {1, 2, 3, 4, 5});
    corruptBackup(90L * REGION, new byte[] {42});
    VerifyReport found = runVerify(VerifyOptions.DEFAULT.withRate(0));
    assertThat(found.state()).isEqualTo(VerifyState.DONE);
    assertThat(found.clean()).isFalse();
    assertThat(found.replicas().get(0).differing())
        .containsExactly(
            new VerifyReport.Range(37L * REGION, REGION),
            new VerifyReport.Range(90L * REGION, REGION));

    VerifyReport repaired = runVerify(VerifyOptions.DEFAULT.withRate(0).withRepair(true));
    assertThat(repaired.state()).isEqualTo(VerifyState.DONE);
    assertThat(repaired.replicas().get(0).differing()).hasSize(2);
    assertThat(repaired.replicas().get(0).repaired()).isTrue();
    // The resync copied just the two regions, not the volume.
    assertThat(primary.status("v").orElseThrow().resyncBytesCopied()).isEqualTo(2L * REGION);

    VerifyReport again = runVerify(VerifyOptions.DEFAULT.withRate(0));
    assertThat(again.clean()).isTrue();
    assertThat(again.replicas().get(0).verifiedBytes()).isEqualTo(SIZE);
    volume.flush();
    assertThat(sha256(primaryImg)).isEqualTo(sha256(backupImg));
  }

  @Test
  void writesDuringTheVerifyNeverShowAsDifferences() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  Random random = new Random(3);
                  byte[] data = new byte[16 << 10];
                  try {
                    while (!stop.get()) {
                      random.nextBytes(data);
                      long at = 4096L * random.nextInt((int) ((SIZE - data.length) / 4096));
                      volume.write(at, ByteBuffer.wrap(data), false);
                      writes.incrementAndGet();
                    }
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                });
    // Small batches, paced: the walk is long enough for thousands of writes to interleave.
    VerifyReport r = runVerify(new VerifyOptions(REGION * 2L, 16L << 20, false, 1_000_000_000L));
    stop.set(true);
    writer.join();
    assertThat(writes.get()).isGreaterThan(50);
    assertThat(r.state()).isEqualTo(VerifyState.DONE);
    assertThat(r.replicas().get(0).verifiedBytes()).isEqualTo(SIZE);
    assertThat(r.replicas().get(0).differing()).isEmpty();
  }

  @Test
  void secondVerifyIsRefusedWhileOneRuns() throws Exception {
    VerifyJob first =
        primary.startVerify(
            "v",
            new VerifyOptions(REGION, 1L << 20, false, 1_000_000_000L),
            Thread.ofPlatform().factory());
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> primary.startVerify("v", VerifyOptions.DEFAULT, Thread.ofPlatform().factory()))
          .isInstanceOf(IllegalStateException.class);
      assertThat(primary.verifyReport("v").orElseThrow().state()).isEqualTo(VerifyState.RUNNING);
    } finally {
      awaitTrue(() -> first.state().finished(), "first verify done");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> backup.startVerify("v", VerifyOptions.DEFAULT, Thread.ofPlatform().factory()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private VerifyReport runVerify(VerifyOptions options) throws Exception {
    VerifyJob job = primary.startVerify("v", options, Thread.ofPlatform().factory());
    awaitTrue(() -> job.state().finished(), "verify finished");
    return job.report();
  }

  private void corruptBackup(long offset, byte[] bytes) throws Exception {
    try (FileChannel ch = FileChannel.open(backupImg, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  private MirrorHost host(String node, InetSocketAddress bind, int backupPort) {
    return io.doppel.block.mirror.MirrorTests.host(
        node,
        bind,
        Map.of("b", new InetSocketAddress("127.0.0.1", backupPort)),
        REGION,
        1_000_000_000L);
  }

  private boolean inSync() {
    return primary
        .status("v")
        .map(s -> s.replicas().get(0).state().equals("IN_SYNC"))
        .orElse(false);
  }
}
