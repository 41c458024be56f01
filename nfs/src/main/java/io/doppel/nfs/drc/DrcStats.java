package io.doppel.nfs.drc;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Metrics of the duplicate request cache: {@code doppel_nfs_drc_hits_total} (replayed replies),
 * {@code doppel_nfs_drc_in_progress_drops_total}, {@code doppel_nfs_drc_evictions_total}, and
 * gauges {@code doppel_nfs_drc_entries} and {@code doppel_nfs_drc_bytes}.
 */
public final class DrcStats {
  final Counter hits;
  final Counter inProgressDrops;
  final Counter evictions;

  public DrcStats(MetricRegistry metrics) {
    hits = metrics.counter("doppel_nfs_drc_hits_total", "Duplicate requests answered from cache");
    inProgressDrops =
        metrics.counter(
            "doppel_nfs_drc_in_progress_drops_total", "Duplicates dropped while in progress");
    evictions = metrics.counter("doppel_nfs_drc_evictions_total", "Completed entries evicted");
  }

  void registerGauges(MetricRegistry metrics, DoubleSupplier entries, DoubleSupplier bytes) {
    metrics.gauge("doppel_nfs_drc_entries", "Entries in the DRC", Map.of(), entries);
    metrics.gauge("doppel_nfs_drc_bytes", "Reply bytes held by the DRC", Map.of(), bytes);
  }

  public long hits() {
    return hits.get();
  }

  public long inProgressDrops() {
    return inProgressDrops.get();
  }

  public long evictions() {
    return evictions.get();
  }
}
