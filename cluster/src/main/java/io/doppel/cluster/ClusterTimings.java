package io.doppel.cluster;

import java.time.Duration;

/**
 * Failure-detection and lease timings.
 *
 * @param heartbeatInterval how often a heartbeat goes out on every link (and leases are renewed)
 * @param suspectTimeout silence on ALL links after which a peer is suspected
 * @param presenceRetries probes sent over every path before a suspected peer is declared failed
 *     (seed 003's network presence check with retries)
 * @param leaseDuration how long a voter's grant lasts, on the voter's clock
 * @param clockDrift bound on how much two members' clocks may disagree about an interval of one
 *     lease duration; the holder gives up its lease this much early
 * @param startupTimeout how long a booting node waits for a silent peer before checking its
 *     presence; zero waits forever (seed 003)
 */
public record ClusterTimings(
    Duration heartbeatInterval,
    Duration suspectTimeout,
    int presenceRetries,
    Duration leaseDuration,
    Duration clockDrift,
    Duration startupTimeout) {

  public static ClusterTimings defaults() {
    return new ClusterTimings(
        Duration.ofMillis(200),
        Duration.ofMillis(1000),
        3,
        Duration.ofMillis(1500),
        Duration.ofMillis(100),
        Duration.ZERO);
  }

  public long heartbeatIntervalNanos() {
    return heartbeatInterval.toNanos();
  }

  public long suspectTimeoutNanos() {
    return suspectTimeout.toNanos();
  }

  public long leaseDurationNanos() {
    return leaseDuration.toNanos();
  }

  public long clockDriftNanos() {
    return clockDrift.toNanos();
  }

  public long startupTimeoutNanos() {
    return startupTimeout.toNanos();
  }

  /** How long a holder counts its lease valid after sending the request that renewed it. */
  public long holderValidityNanos() {
    return leaseDurationNanos() - clockDriftNanos();
  }
}
