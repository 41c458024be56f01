package io.doppel.block.cache;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Read-cache metrics of one volume (seed 001, claim 12: "cache in the access program"), labelled
 * {@code volume}:
 *
 * <ul>
 *   <li>{@code doppel_block_cache_hits_total} — pages served from memory
 *   <li>{@code doppel_block_cache_misses_total} — pages read from the volume below
 *   <li>{@code doppel_block_cache_bypasses_total} — large reads served from the volume below
 *   <li>{@code doppel_block_cache_evictions_total} — pages dropped to stay within capacity
 *   <li>{@code doppel_block_cache_resident_bytes} — bytes held now
 *   <li>{@code doppel_block_cache_capacity_bytes} — configured capacity
 * </ul>
 */
public final class CacheStats {
  private final Counter hits;
  private final Counter misses;
  private final Counter evictions;
  private final Counter bypasses;

  public CacheStats(
      MetricRegistry metrics, String volume, long capacityBytes, LongSupplier residentBytes) {
    Map<String, String> labels = Map.of("volume", volume);
    hits = metrics.counter("doppel_block_cache_hits_total", "Read-cache page hits", labels);
    misses = metrics.counter("doppel_block_cache_misses_total", "Read-cache page misses", labels);
    bypasses =
        metrics.counter(
            "doppel_block_cache_bypasses_total", "Large reads that skipped the cache", labels);
    evictions =
        metrics.counter("doppel_block_cache_evictions_total", "Read-cache evictions", labels);
    metrics.gauge(
        "doppel_block_cache_resident_bytes",
        "Bytes held by the read cache",
        labels,
        () -> residentBytes.getAsLong());
    metrics.gauge(
        "doppel_block_cache_capacity_bytes",
        "Configured read-cache capacity",
        labels,
        () -> capacityBytes);
  }

  void hit() {
    hits.increment();
  }

  void miss() {
    misses.increment();
  }

  void bypass() {
    bypasses.increment();
  }

  void evicted() {
    evictions.increment();
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  public long bypasses() {
    return bypasses.get();
  }

  public long evictions() {
    return evictions.get();
  }
}
