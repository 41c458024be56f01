package io.doppel.replication.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.replica.RecordApplier;
import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.replica.ReplicaConfig;
import io.doppel.replication.replica.ReplicaStats;
import io.doppel.replication.track.BoundedRecordLog;
import io.doppel.replication.track.CopySource;
import io.doppel.replication.track.CopyTask;
import io.doppel.replication.track.LogChangeTracker;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The primary's behaviour with one replica over a loop-back that the test steps by hand. */
class PrimaryStreamTest {
  private static final String RES = "vol";
  private static final long MS = 1_000_000L;
  private final PrimaryConfig config =
      new PrimaryConfig(1000, 500, 100 * MS, 10 * MS, 20 * MS, 200, 5 * MS, 4096, 0);
  private final ArrayDeque<ReplicationMessage> toReplica = new ArrayDeque<>();
  private final ArrayDeque<ReplicationMessage> toPrimary = new ArrayDeque<>();
  private final List<ReplicationEvent> events = new ArrayList<>();
  private final List<Record> applied = new ArrayList<>();
  private final BoundedRecordLog log = new BoundedRecordLog(1 << 20);
  private long now;
  private PrimaryStream stream;
  private ReplicaApplier replica;
  private boolean linkUp = true;

  private void start(long epoch, History primaryHistory, History replicaHistory) {
    stream =
        new PrimaryStream(
            RES,
            epoch,
            primaryHistory,
            config,
            new LogChangeTracker(log),
            log,
            copyOfApplied(),
            new PrimaryStats(new MetricRegistry(), RES),
            events::add);
    stream.addReplica("r", toReplica::add, now);
    replica =
        new ReplicaApplier(
            RES,
            replicaHistory,
            false,
            replicaHistory.lastEpoch(),
            recorder(),
            toPrimary::add,
            ReplicaConfig.DEFAULT,
            new ReplicaStats(new MetricRegistry(), RES));
  }

  private CopySource copyOfApplied() {
    return new CopySource() {
      @Override
      public List<CopyTask> planFull() {
        return List.of(new CopyTask(0, 1));
      }

      @Override
      public List<CopyTask> planChangesAfter(long afterSeq, boolean includeUnknown) {
        return null;
      }

      @Override
      public Record read(CopyTask task, long epoch, long basisSeq) {
        return Record.of(RES, epoch, basisSeq, 99, new byte[] {(byte) basisSeq});
      }
    };
  }

  private RecordApplier recorder() {
    return new RecordApplier() {
      @Override
      public void apply(Record record, boolean durable) {
        applied.add(record);
      }

      @Override
      public void sync() {}

      @Override
      public void beginCopy() {
        applied.clear();
      }

      @Override
      public void applyCopy(Record chunk) {
        applied.add(chunk);
      }

      @Override
      public void endCopy(History history) {}
    };
  }

  /** Delivers queued messages both ways and runs both agents, advancing time by 1 ms. */
  private void step() {
    now += MS;
    while (!toReplica.isEmpty() || !toPrimary.isEmpty()) {
      ReplicationMessage m = toReplica.poll();
      if (m != null && linkUp) {
        replica.onMessage(m, now);
      }
      ReplicationMessage back = toPrimary.poll();
      if (back != null && linkUp) {
        stream.onMessage("r", back, now);
      }
    }
    stream.doWork(now);
    replica.doWork(now);
  }

  private void steps(int n) {
    for (int i = 0; i < n; i++) {
      step();
    }
  }

  private Offer write(int bytes, AckStrength strength) {
    Record r = Record.of(RES, stream.epoch(), stream.lastSeq() + 1, 1, new byte[bytes]);
    if (!stream.canOffer()) {
      return stream.offer(r, strength, now);
    }
    log.append(r);
    return stream.offer(r, strength, now);
  }

  @Test
  void aFullWindowPushesBackAndAcksReleaseIt() {
    start(1, History.EMPTY, History.EMPTY);
    steps(3);
    assertThat(stream.state("r")).isEqualTo(ReplicaState.IN_SYNC);
    linkUp = false; // acks stop arriving; the window fills
    int accepted = 0;
    Offer last;
    while ((last = write(100, AckStrength.RECEIVED)) instanceof Offer.Accepted) {
      accepted++;
    }
    assertThat(last).isEqualTo(new Offer.Wait(Offer.Reason.WINDOW_FULL));
    assertThat(accepted).isBetween(5, 10); // 1000-byte window, ~135-byte records
    CompletableFuture<Void> writable = stream.writable();
    assertThat(writable).isNotDone();
    linkUp = true;
    steps(20); // the retransmit timer resends, the replica acks
    assertThat(writable).isDone();
    assertThat(stream.canOffer()).isTrue();
  }

  @Test
  void ackTimeoutDropsTheReplicaAndCommitsStopWaitingForIt() {
    start(1, History.EMPTY, History.EMPTY);
    steps(3);
    linkUp = false;
    Offer.Accepted a = (Offer.Accepted) write(10, AckStrength.DURABLE);
    steps(50);
    assertThat(a.committed()).isNotDone();
    steps(60); // past the 100 ms ack timeout
    assertThat(stream.state("r")).isEqualTo(ReplicaState.LAGGING);
    assertThat(a.committed()).isCompletedWithValue(1L);
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof ReplicationEvent.StateChanged c
                    && c.from() == ReplicaState.IN_SYNC
                    && c.to() == ReplicaState.LAGGING
                    && c.reason().equals("ack timeout"));
    write(10, AckStrength.DURABLE);
    linkUp = true;
    steps(40); // probe, hello, catch-up from the log, held join
    assertThat(stream.state("r")).isEqualTo(ReplicaState.IN_SYNC);
    assertThat(replica.durableSeq()).isEqualTo(2);
    assertThat(applied).extracting(Record::seq).containsExactly(1L, 2L);
  }

  @Test
  void aNewerEpochFencesThePrimaryAndFailsPendingCommits() {
    start(3, History.EMPTY, History.EMPTY);
    steps(3);
    linkUp = false;
    Offer.Accepted a = (Offer.Accepted) write(10, AckStrength.DURABLE);
    stream.onMessage(
        "r",
        new ReplicationMessage.Refuse(
            RES, 4, io.doppel.replication.wire.RefuseReason.STALE_EPOCH, 1),
        now);
    assertThat(stream.fenced()).isTrue();
    assertThat(a.committed()).isCompletedExceptionally();
    assertThat(write(10, AckStrength.RECEIVED)).isEqualTo(new Offer.Fenced(4));
    assertThat(events).anyMatch(e -> e instanceof ReplicationEvent.Fenced f && f.newerEpoch() == 4);
  }

  @Test
  void forkedHistoriesAreRefusedUntilAnOperatorChoosesTheSurvivor() {
    History common = History.EMPTY.append(1, 1).append(1, 2);
    History primary = common.append(2, 3).append(2, 4);
    History oldPrimary = common.append(1, 3);
    start(2, primary, oldPrimary);
    steps(5);
    assertThat(stream.state("r")).isEqualTo(ReplicaState.DIVERGED);
    assertThat(events).anyMatch(e -> e instanceof ReplicationEvent.SplitBrain);
    steps(50);
    assertThat(stream.state("r")).as("no automatic resync").isEqualTo(ReplicaState.DIVERGED);
    stream.discardReplicaChanges("r", now);
    steps(20);
    assertThat(stream.state("r")).isEqualTo(ReplicaState.IN_SYNC);
    assertThat(replica.history()).isEqualTo(primary);
    assertThat(applied).extracting(Record::kind).containsExactly(99);
  }

  @Test
  void aStaleEpochAppendIsRefusedAndCounted() {
    start(5, History.EMPTY, History.EMPTY.append(5, 1));
    ReplicationMessage stale =
        new ReplicationMessage.Append(RES, 4, true, List.of(Record.of(RES, 4, 2, 1, new byte[1])));
    replica.onMessage(stale, now);
    assertThat(applied).isEmpty();
    assertThat(toPrimary.poll())
        .isEqualTo(
            new ReplicationMessage.Refuse(
                RES, 5, io.doppel.replication.wire.RefuseReason.STALE_EPOCH, 2));
  }
}
