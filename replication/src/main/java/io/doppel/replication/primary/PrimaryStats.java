package io.doppel.replication.primary;

import io.doppel.metrics.Counter;
import io.doppel.metrics.Histogram;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;

/**
 * Primary-side metrics, labelled {@code resource}: {@code doppel_replication_records_total}, {@code
 * doppel_replication_sent_bytes_total}, {@code doppel_replication_copy_bytes_total}, {@code
 * doppel_replication_retransmits_total}, {@code doppel_replication_out_of_sync_total}, {@code
 * doppel_replication_transitions_total}, {@code doppel_replication_stale_epoch_total}, {@code
 * doppel_replication_refusals_total}, {@code doppel_replication_window_full_total}, {@code
 * doppel_replication_split_brain_total}, {@code doppel_replication_hold_seconds}; per replica the
 * gauges {@code doppel_replication_replica_state} and {@code doppel_replication_lag_bytes}.
 */
public final class PrimaryStats {
  final MetricRegistry registry;
  final String resource;
  final Counter records;
  final Counter sentBytes;
  final Counter copyBytes;
  final Counter retransmits;
  final Counter outOfSync;
  final Counter transitions;
  final Counter staleEpoch;
  final Counter refusals;
  final Counter windowFull;
  final Counter splitBrain;
  final Counter anomalies;
  final Histogram holdSeconds;

  public PrimaryStats(MetricRegistry registry, String resource) {
    this.registry = registry;
    this.resource = resource;
    Map<String, String> l = Map.of("resource", resource);
    records = registry.counter("doppel_replication_records_total", "Records offered.", l);
    sentBytes = registry.counter("doppel_replication_sent_bytes_total", "Record bytes sent.", l);
    copyBytes = registry.counter("doppel_replication_copy_bytes_total", "Copy bytes sent.", l);
    retransmits =
        registry.counter("doppel_replication_retransmits_total", "Resends after silence.", l);
    outOfSync =
        registry.counter("doppel_replication_out_of_sync_total", "Replicas dropped from sync.", l);
    transitions =
        registry.counter("doppel_replication_transitions_total", "Replica state changes.", l);
    staleEpoch =
        registry.counter("doppel_replication_stale_epoch_total", "Stale-epoch messages.", l);
    refusals = registry.counter("doppel_replication_refusals_total", "Refusals received.", l);
    windowFull =
        registry.counter("doppel_replication_window_full_total", "Offers told to wait.", l);
    splitBrain = registry.counter("doppel_replication_split_brain_total", "Forked histories.", l);
    anomalies =
        registry.counter("doppel_replication_anomalies_total", "Acks beyond the last seq.", l);
    holdSeconds =
        registry.histogram(
            "doppel_replication_hold_seconds",
            "How long catch-ups held new writes.",
            l,
            0.001,
            0.005,
            0.01,
            0.025,
            0.05,
            0.1,
            0.25);
  }

  public long outOfSyncCount() {
    return outOfSync.get();
  }

  public long retransmitCount() {
    return retransmits.get();
  }

  public long staleEpochCount() {
    return staleEpoch.get();
  }

  public long splitBrainCount() {
    return splitBrain.get();
  }
}
