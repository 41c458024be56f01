package io.doppel.replication.primary;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.replica.RecordApplier;
import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.replica.ReplicaConfig;
import io.doppel.replication.replica.ReplicaStats;
import io.doppel.replication.track.BoundedRecordLog;
import io.doppel.replication.track.LogChangeTracker;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.ReplicationMessage.Ack;
import io.doppel.replication.wire.ReplicationMessage.VerifyReply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Verify records through the generic stream (REPLICATION.md "Verify"): the replica answers a verify
 * record right after applying it and before the ack covering it; the primary hands answers of its
 * epoch to its listener and refuses stale ones; an operator repair takes an in-sync replica out.
 */
class VerifyStreamTest {
  private static final String RES = "vol";
  private static final int KIND_VERIFY = 99;
  private static final long MS = 1_000_000L;
  private final ArrayDeque<ReplicationMessage> toReplica = new ArrayDeque<>();
  private final List<ReplicationMessage> fromReplica = new ArrayList<>();
  private final List<String> answers = new ArrayList<>();
  private final PrimaryStats stats = new PrimaryStats(new MetricRegistry(), RES);
  private final BoundedRecordLog log = new BoundedRecordLog(1 << 20);
  private final PrimaryStream stream =
      new PrimaryStream(
          RES,
          2,
          History.EMPTY,
          new PrimaryConfig(1 << 20, 1 << 16, 100 * MS, 10 * MS, 20 * MS, 200, 5 * MS, 4096, 0),
          new LogChangeTracker(log),
          log,
          null,
          stats,
          e -> {});

  /** Applies nothing; answers a verify record with its payload reversed as the one digest. */
  private static final class Answering implements RecordApplier, ReplicaApplier.VerifyAnswerer {
    @Override
    public void apply(Record record, boolean durable) {}

    @Override
    public void sync() {}

    @Override
    public void beginCopy() {}

    @Override
    public void applyCopy(Record chunk) {}

    @Override
    public void endCopy(History history) {}

    @Override
    public List<byte[]> answer(Record applied) {
      if (applied.kind() != KIND_VERIFY) {
        return null;
      }
      byte[] p = applied.payload();
      byte[] d = new byte[p.length];
      for (int i = 0; i < p.length; i++) {
        d[i] = p[p.length - 1 - i];
      }
      return List.of(d);
    }
  }

  private final ReplicaApplier replica =
      new ReplicaApplier(
          RES,
          History.EMPTY,
          false,
          0,
          new Answering(),
          fromReplica::add,
          new ReplicaConfig(5 * MS, 1 << 20, 0),
          new ReplicaStats(new MetricRegistry(), RES));

  /** Delivers messages both ways until quiet; the replica's go to the primary in order. */
  private void pump(long now) {
    stream.doWork(now);
    for (int round = 0; round < 20 && !toReplica.isEmpty(); round++) {
      while (!toReplica.isEmpty()) {
        replica.onMessage(toReplica.poll(), now);
      }
      List<ReplicationMessage> replies = new ArrayList<>(fromReplica);
      fromReplica.clear();
      replies.forEach(m -> stream.onMessage("r", m, now));
    }
  }

  private void offer(int kind, byte[] payload, long now) {
    Record r = Record.of(RES, 2, stream.lastSeq() + 1, kind, payload);
    log.append(r);
    assertThat(stream.offer(r, AckStrength.RECEIVED, now)).isInstanceOf(Offer.Accepted.class);
  }

  private void startInSync() {
    stream.addReplica("r", toReplica::add, 0);
    stream.onConnected("r", 0);
    pump(0);
    assertThat(stream.state("r")).isEqualTo(ReplicaState.IN_SYNC);
  }

  @Test
  void replicaAnswersAVerifyRecordBeforeTheAckThatCoversIt() {
    startInSync();
    stream.verifyListener((replica, seq, digests) -> answers.add(replica + "@" + seq));
    List<ReplicationMessage> seen = new ArrayList<>();
    offer(1, new byte[] {9}, 1);
    offer(KIND_VERIFY, new byte[] {1, 2, 3}, 1);
    while (!toReplica.isEmpty()) {
      replica.onMessage(toReplica.poll(), 1);
    }
    seen.addAll(fromReplica);
    // One Append per offer: Ack(1), then the answer to record 2, then the Ack covering it.
    List<ReplicationMessage> replies = seen.stream().filter(m -> m instanceof VerifyReply).toList();
    assertThat(replies).containsExactly(new VerifyReply(RES, 2, 2, List.of(new byte[] {3, 2, 1})));
    int answer = seen.indexOf(replies.get(0));
    int ack2 = -1;
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i) instanceof Ack a && a.receivedSeq() == 2 && ack2 < 0) {
        ack2 = i;
      }
    }
    assertThat(answer).isLessThan(ack2);
    fromReplica.clear();
    seen.forEach(m -> stream.onMessage("r", m, 2));
    assertThat(answers).containsExactly("r@2");
  }

  @Test
  void staleOrUnaskedAnswersNeverReachTheListener() {
    startInSync();
    offer(KIND_VERIFY, new byte[] {7}, 1);
    long before = stats.anomalies.get();
    stream.onMessage("r", new VerifyReply(RES, 2, 1, List.of(new byte[] {7})), 1);
    assertThat(stats.anomalies.get()).isEqualTo(before + 1); // no listener: counted, ignored
    stream.verifyListener((replica, seq, digests) -> answers.add(replica + "@" + seq));
    stream.onMessage("r", new VerifyReply(RES, 1, 1, List.of(new byte[] {7})), 1);
    stream.onMessage("r", new VerifyReply(RES, 2, 5, List.of(new byte[] {7})), 1);
    assertThat(answers).isEmpty();
    assertThat(stats.staleEpoch.get()).isPositive();
    stream.onMessage("r", new VerifyReply(RES, 2, 1, List.of(new byte[] {7})), 1);
    assertThat(answers).containsExactly("r@1");
  }

  @Test
  void repairTakesAnInSyncReplicaOutSoItCatchesUp() {
    startInSync();
    stream.forceCatchUp("r", "verify repair", 1);
    assertThat(stream.state("r")).isEqualTo(ReplicaState.LAGGING);
    stream.forceCatchUp("r", "verify repair", 2); // not in sync: nothing more to do
    assertThat(stream.state("r")).isEqualTo(ReplicaState.LAGGING);
  }
}
