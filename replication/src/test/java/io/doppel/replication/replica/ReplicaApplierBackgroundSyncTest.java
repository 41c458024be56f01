package io.doppel.replication.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.ReplicationMessage.Ack;
import io.doppel.replication.wire.ReplicationMessage.Append;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A sync triggered by bytes runs in the background: the replica keeps applying and acking
 * <em>received</em>, and acks <em>durable</em> only for what was applied when the sync began, once
 * it completed.
 */
class ReplicaApplierBackgroundSyncTest {
  private static final String RES = "vol";
  private final List<ReplicationMessage> sent = new ArrayList<>();
  private final List<CompletableFuture<Void>> syncs = new ArrayList<>();
  private final ReplicaApplier replica =
      new ReplicaApplier(
          RES,
          History.EMPTY,
          false,
          1,
          new RecordApplier() {
            @Override
            public void apply(Record record, boolean durable) {}

            @Override
            public void sync() {}

            @Override
            public CompletableFuture<Void> syncAsync() {
              CompletableFuture<Void> f = new CompletableFuture<>();
              syncs.add(f);
              return f;
            }

            @Override
            public void beginCopy() {}

            @Override
            public void applyCopy(Record chunk) {}

            @Override
            public void endCopy(History history) {}
          },
          sent::add,
          new ReplicaConfig(5_000_000L, 100, 0),
          new ReplicaStats(new MetricRegistry(), RES));

  private static Record rec(long seq) {
    return Record.of(RES, 1, seq, 1, new byte[64]);
  }

  @Test
  void durableFollowsTheBackgroundSyncWhileAppliesGoOn() {
    replica.onMessage(new Append(RES, 1, false, List.of(rec(1), rec(2))), 0);
    assertThat(syncs).hasSize(1); // over syncBytes: a sync of seqs 1..2 started
    assertThat(sent).last().isEqualTo(new Ack(RES, 1, 2, 0));
    replica.onMessage(new Append(RES, 1, false, List.of(rec(3), rec(4))), 1_000L);
    assertThat(syncs).hasSize(1); // one at a time
    assertThat(sent).last().isEqualTo(new Ack(RES, 1, 4, 0)); // received at once
    replica.doWork(2_000L);
    assertThat(replica.durableSeq()).isZero();
    syncs.get(0).complete(null);
    replica.doWork(3_000L);
    assertThat(replica.durableSeq()).isEqualTo(2); // not 4: those came after the sync began
    assertThat(sent).contains(new Ack(RES, 1, 4, 2));
    assertThat(syncs).hasSize(2); // the rest is over syncBytes too: the next sync started
    syncs.get(1).complete(null);
    replica.doWork(4_000L);
    assertThat(replica.durableSeq()).isEqualTo(4);
    assertThat(sent).last().isEqualTo(new Ack(RES, 1, 4, 4));
  }

  @Test
  void aFailedBackgroundSyncFencesTheReplica() {
    replica.onMessage(new Append(RES, 1, false, List.of(rec(1), rec(2))), 0);
    syncs.get(0).completeExceptionally(new java.io.IOException("disk gone"));
    replica.doWork(1_000L);
    assertThat(replica.failed()).isTrue();
    assertThat(replica.durableSeq()).isZero();
  }
}
