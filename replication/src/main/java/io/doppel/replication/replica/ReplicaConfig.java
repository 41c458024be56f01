package io.doppel.replication.replica;

/**
 * Replica-side tuning.
 *
 * @param syncIntervalNanos quiet time after which applied records are synced (and at most {@code
 *     ReplicaApplier.MAX_SYNC_AGE_INTERVALS} times it while records keep arriving)
 * @param syncBytes un-synced bytes that trigger a sync (keep under the primary's window)
 * @param gapRefuseIntervalNanos least time between two catch-up requests for the same seq
 */
public record ReplicaConfig(long syncIntervalNanos, long syncBytes, long gapRefuseIntervalNanos) {
  public static final ReplicaConfig DEFAULT = new ReplicaConfig(5_000_000L, 2L << 20, 2_000_000L);

  public ReplicaConfig {
    if (syncIntervalNanos <= 0 || syncBytes <= 0 || gapRefuseIntervalNanos < 0) {
      throw new IllegalArgumentException("replica config values must be positive");
    }
  }
}
