package io.doppel.replication.replica;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;

/**
 * Replica-side metrics, labelled {@code resource}: {@code doppel_replica_records_applied_total},
 * {@code doppel_replica_syncs_total}, {@code doppel_replica_refused_total{reason}}, {@code
 * doppel_replica_duplicates_total}, {@code doppel_replica_copy_chunks_total}, {@code
 * doppel_replica_unexpected_total}.
 */
public final class ReplicaStats {
  final Counter applied;
  final Counter syncs;
  final Counter staleEpoch;
  final Counter gaps;
  final Counter corrupt;
  final Counter diverged;
  final Counter failed;
  final Counter duplicates;
  final Counter copyChunks;
  final Counter unexpected;

  public ReplicaStats(MetricRegistry registry, String resource) {
    Map<String, String> l = Map.of("resource", resource);
    applied = registry.counter("doppel_replica_records_applied_total", "Records applied.", l);
    syncs = registry.counter("doppel_replica_syncs_total", "Batch syncs of applied records.", l);
    staleEpoch = refused(registry, resource, "stale_epoch");
    gaps = refused(registry, resource, "gap");
    corrupt = refused(registry, resource, "corrupt");
    diverged = refused(registry, resource, "diverged");
    failed = refused(registry, resource, "failed");
    duplicates = registry.counter("doppel_replica_duplicates_total", "Records already held.", l);
    copyChunks = registry.counter("doppel_replica_copy_chunks_total", "Copy items applied.", l);
    unexpected =
        registry.counter("doppel_replica_unexpected_total", "Messages a replica ignores.", l);
  }

  private static Counter refused(MetricRegistry registry, String resource, String reason) {
    return registry.counter(
        "doppel_replica_refused_total",
        "Messages refused, by reason.",
        Map.of("resource", resource, "reason", reason));
  }

  public long staleEpochRefusals() {
    return staleEpoch.get();
  }

  public long gapRefusals() {
    return gaps.get();
  }

  public long corruptRefusals() {
    return corrupt.get();
  }
}
