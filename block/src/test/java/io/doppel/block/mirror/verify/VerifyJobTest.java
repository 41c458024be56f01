package io.doppel.block.mirror.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The verify walk against a scripted primary: comparison, retry of missed batches, repair. */
class VerifyJobTest {
  private static final int REGION = 4096;
  private static final long SIZE = 8L * REGION;

  private long now;
  private final List<String> log = new ArrayList<>();

  /** Backup b answers identically; c misses the batch at region 2 once and differs in region 5. */
  private final class Scripted implements VerifyTarget {
    boolean cMissed;
    boolean failEmits;
    Map<String, List<long[]>> repaired;
    long seq;

    @Override
    public String volume() {
      return "v";
    }

    @Override
    public long sizeBytes() {
      return SIZE;
    }

    @Override
    public int regionBytes() {
      return REGION;
    }

    @Override
    public CompletableFuture<Long> open() {
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletableFuture<Long> close() {
      log.add("close");
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletableFuture<VerifyPort.Batch> emit(long offset, long length) {
      log.add("emit " + offset / REGION + "+" + length / REGION);
      if (failEmits) {
        return CompletableFuture.failedFuture(new java.io.IOException("volume demoted"));
      }
      List<byte[]> primary = new ArrayList<>();
      List<byte[]> c = new ArrayList<>();
      for (long at = offset; at < offset + length; at += REGION) {
        primary.add(new byte[] {(byte) (at / REGION)});
        c.add(new byte[] {(byte) (at / REGION == 5 ? 99 : at / REGION)});
      }
      Map<String, List<byte[]>> answers = new ConcurrentHashMap<>();
      answers.put("b", primary);
      if (offset == 2L * REGION && !cMissed) {
        cMissed = true; // c was out of sync while this batch went by
      } else {
        answers.put("c", c);
      }
      return CompletableFuture.completedFuture(
          new VerifyPort.Batch(++seq, offset, length, primary, answers));
    }

    @Override
    public CompletableFuture<Map<String, String>> replicas() {
      Map<String, String> states = new LinkedHashMap<>();
      states.put("b", "IN_SYNC");
      states.put("c", repaired != null && log.size() < 20 ? "CATCHING_UP" : "IN_SYNC");
      log.add("replicas");
      return CompletableFuture.completedFuture(states);
    }

    @Override
    public CompletableFuture<Long> repair(Map<String, List<long[]>> regions) {
      repaired = regions;
      return CompletableFuture.completedFuture(++seq);
    }
  }

  private VerifyJob job(VerifyTarget target, boolean repair) {
    return new VerifyJob(
        target,
        new VerifyOptions(2L * REGION, 0, repair, 60_000_000_000L),
        () -> now,
        nanos -> now += nanos,
        1_000_000_000L);
  }

  @Test
  void aBackupThatMissedABatchIsComparedThereAgainAndDifferencesAreExact() {
    Scripted target = new Scripted();
    VerifyJob job = job(target, false);
    job.run();
    VerifyReport r = job.report();
    assertThat(r.state()).isEqualTo(VerifyState.DONE);
    assertThat(log.stream().filter(l -> l.startsWith("emit")))
        .containsExactly("emit 0+2", "emit 2+2", "emit 4+2", "emit 6+2", "emit 2+2");
    assertThat(r.replicas()).extracting(VerifyReport.ReplicaResult::node).containsExactly("b", "c");
    VerifyReport.ReplicaResult b = r.replicas().get(0);
    VerifyReport.ReplicaResult c = r.replicas().get(1);
    assertThat(b.verifiedBytes()).isEqualTo(SIZE);
    assertThat(b.differing()).isEmpty();
    assertThat(c.verifiedBytes()).isEqualTo(SIZE);
    assertThat(c.unverifiedBytes()).isZero();
    assertThat(c.differing()).containsExactly(new VerifyReport.Range(5L * REGION, REGION));
    assertThat(r.clean()).isFalse();
    assertThat(log).last().isEqualTo("close");
  }

  @Test
  void repairMarksTheDifferingRegionsAndWaitsForTheBackupToBeInSyncAgain() {
    Scripted target = new Scripted();
    VerifyJob job = job(target, true);
    job.run();
    VerifyReport r = job.report();
    assertThat(r.state()).isEqualTo(VerifyState.DONE);
    assertThat(target.repaired).containsOnlyKeys("c");
    assertThat(target.repaired.get("c"))
        .singleElement()
        .isEqualTo(new long[] {5L * REGION, REGION});
    assertThat(r.replicas().get(1).repaired()).isTrue();
    assertThat(r.replicas().get(0).repaired()).isFalse();
  }

  @Test
  void aFailedBatchFailsTheVerifyWithTheReason() {
    Scripted target = new Scripted();
    target.failEmits = true;
    VerifyJob job = job(target, false);
    job.run();
    VerifyReport r = job.report();
    assertThat(r.state()).isEqualTo(VerifyState.FAILED);
    assertThat(r.error()).contains("volume demoted");
    assertThat(r.bytesDone()).isZero();
    assertThat(log).last().isEqualTo("close");
  }

  @Test
  void theWalkIsPacedToTheRate() {
    Scripted target = new Scripted();
    VerifyJob job =
        new VerifyJob(
            target,
            new VerifyOptions(2L * REGION, 4L * REGION, false, 1),
            () -> now,
            nanos -> now += nanos,
            1_000_000_000L);
    job.run();
    // 8 regions at 4 regions per second: the walk cannot end before 2 s of the job's clock.
    assertThat(now).isGreaterThanOrEqualTo(2_000_000_000L);
    assertThat(job.report().etaMillis()).isZero();
  }
}
