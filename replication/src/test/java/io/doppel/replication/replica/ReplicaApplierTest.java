package io.doppel.replication.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.RefuseReason;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.ReplicationMessage.Ack;
import io.doppel.replication.wire.ReplicationMessage.Append;
import io.doppel.replication.wire.ReplicationMessage.Refuse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaApplierTest {
  private static final String RES = "vol";
  private final List<ReplicationMessage> sent = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final ReplicaStats stats = new ReplicaStats(new MetricRegistry(), RES);
  private final ReplicaApplier replica =
      new ReplicaApplier(
          RES,
          History.EMPTY,
          false,
          1,
          new RecordApplier() {
            @Override
            public void apply(Record record, boolean durable) {
              calls.add("apply " + record.seq() + (durable ? " durable" : ""));
            }

            @Override
            public void sync() {
              calls.add("sync");
            }

            @Override
            public void beginCopy() {}

            @Override
            public void applyCopy(Record chunk) {}

            @Override
            public void endCopy(History history) {}
          },
          sent::add,
          new ReplicaConfig(5_000_000L, 1 << 20, 0),
          stats);

  private static Record rec(long seq) {
    return Record.of(RES, 1, seq, 1, new byte[] {(byte) seq});
  }

  @Test
  void appliesInOrderAndAcksReceivedAtOnceDurableAfterTheBatchSync() {
    replica.onMessage(new Append(RES, 1, false, List.of(rec(1), rec(2))), 0);
    assertThat(calls).containsExactly("apply 1", "apply 2");
    assertThat(sent).containsExactly(new Ack(RES, 1, 2, 0));
    replica.doWork(4_000_000L);
    assertThat(calls).hasSize(2); // not yet: the sync interval is 5 ms
    replica.doWork(5_000_000L);
    assertThat(calls).containsExactly("apply 1", "apply 2", "sync");
    assertThat(sent).last().isEqualTo(new Ack(RES, 1, 2, 2));
  }

  @Test
  void aSyncRequestMakesTheLastRecordOfTheBatchDurable() {
    replica.onMessage(new Append(RES, 1, true, List.of(rec(1), rec(2))), 0);
    assertThat(calls).containsExactly("apply 1", "apply 2 durable");
    assertThat(sent).containsExactly(new Ack(RES, 1, 2, 2));
  }

  @Test
  void aGapAsksForCatchUpInsteadOfApplyingOutOfOrder() {
    replica.onMessage(new Append(RES, 1, false, List.of(rec(1))), 0);
    replica.onMessage(new Append(RES, 1, false, List.of(rec(3), rec(4))), 1);
    assertThat(calls).containsExactly("apply 1");
    assertThat(sent).contains(new Refuse(RES, 1, RefuseReason.GAP, 2));
    replica.onMessage(new Append(RES, 1, false, List.of(rec(1), rec(2), rec(3))), 2);
    assertThat(calls).containsExactly("apply 1", "apply 2", "apply 3"); // the duplicate skipped
    assertThat(stats.gapRefusals()).isEqualTo(1);
  }

  @Test
  void aCorruptRecordIsRefusedAndNothingAfterItApplied() {
    Record good = rec(1);
    Record bad = new Record(RES, 1, 1, 1, new byte[] {42}, good.checksum());
    replica.onMessage(new Append(RES, 1, false, List.of(bad, rec(2))), 0);
    assertThat(calls).isEmpty();
    assertThat(sent).first().isEqualTo(new Refuse(RES, 1, RefuseReason.CORRUPT, 1));
    assertThat(stats.corruptRefusals()).isEqualTo(1);
  }

  @Test
  void aRecordFromAnOlderEpochThanTheHistoryIsDiverged() {
    replica.onMessage(new Append(RES, 3, false, List.of(Record.of(RES, 3, 1, 1, new byte[0]))), 0);
    replica.onMessage(new Append(RES, 3, false, List.of(Record.of(RES, 2, 2, 1, new byte[0]))), 0);
    assertThat(calls).containsExactly("apply 1");
    assertThat(sent).contains(new Refuse(RES, 3, RefuseReason.DIVERGED, 2));
  }
}
