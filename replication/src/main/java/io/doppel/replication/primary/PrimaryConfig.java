package io.doppel.replication.primary;

/**
 * Primary-side tuning, validated as a whole.
 *
 * @param windowBytes bytes per replica sent (or waiting to be sent) and not yet durable; a full
 *     window makes offers wait
 * @param maxBatchBytes largest Append message
 * @param ackTimeoutNanos no ack progress for this long: the replica goes out of sync
 * @param retransmitNanos no ack progress for this long: resend from the last durable ack
 * @param probeIntervalNanos how often an unknown or lagging replica is asked for its history
 * @param holdThresholdBytes backlog small enough to finish with writes held
 * @param holdMaxNanos longest a catch-up may hold new writes (target ≤ 100 ms)
 * @param maxCopyTaskBytes largest copy item
 * @param copyRateBytesPerSecond initial resync rate target (0 = unlimited)
 */
public record PrimaryConfig(
    long windowBytes,
    long maxBatchBytes,
    long ackTimeoutNanos,
    long retransmitNanos,
    long probeIntervalNanos,
    long holdThresholdBytes,
    long holdMaxNanos,
    long maxCopyTaskBytes,
    long copyRateBytesPerSecond) {

  /** 8 MiB window, 1 MiB batches, 2 s ack timeout, 100 ms hold bound. */
  public static final PrimaryConfig DEFAULT =
      new PrimaryConfig(
          8L << 20,
          1L << 20,
          2_000_000_000L,
          200_000_000L,
          500_000_000L,
          1L << 20,
          100_000_000L,
          1L << 20,
          0);

  public PrimaryConfig {
    if (windowBytes <= 0 || maxBatchBytes <= 0 || maxCopyTaskBytes <= 0) {
      throw new IllegalArgumentException("window, batch and copy task sizes must be positive");
    }
    if (retransmitNanos <= 0 || ackTimeoutNanos <= retransmitNanos) {
      throw new IllegalArgumentException("ackTimeoutNanos must exceed retransmitNanos > 0");
    }
    if (probeIntervalNanos <= 0 || holdMaxNanos <= 0 || holdThresholdBytes < 0) {
      throw new IllegalArgumentException("probe interval and hold bound must be positive");
    }
    if (copyRateBytesPerSecond < 0) {
      throw new IllegalArgumentException("copy rate must not be negative");
    }
  }
}
