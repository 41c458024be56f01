package io.doppel.nfs.drc;

import java.time.Duration;

/**
 * Bounds of the duplicate request cache. Completed entries are kept at least {@code minAge} (Linux
 * keeps replies ≥ 120 s) unless the entry or byte bound forces out the least recently used.
 */
public record DrcLimits(int maxEntries, long maxBytes, Duration minAge) {
  public static DrcLimits defaults() {
    return new DrcLimits(65_536, 64L << 20, Duration.ofSeconds(120));
  }
}
