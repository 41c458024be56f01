package io.doppel.replication.track;

/**
 * Governs the copy rate of a resync (REPLICATION.md): a token bucket at a target rate that an
 * operator can set, plus additive-increase / multiplicative-decrease on client latency so a resync
 * uses what the link and disks can give while client writes keep their latency target (no fixed
 * floor to tune, unlike DRBD's 250 KiB/s). A target of 0 means unlimited. One thread only.
 */
public final class RateController {
  private final long minBytesPerSecond;
  private final long maxBytesPerSecond;
  private final long latencyTargetNanos;
  private long targetBytesPerSecond;
  private double tokens;
  private long lastRefillNanos = Long.MIN_VALUE;

  /**
   * @param initialBytesPerSecond the starting target (0 = unlimited, adaptation off)
   * @param minBytesPerSecond the floor adaptation never goes below
   * @param maxBytesPerSecond the ceiling adaptation never goes above
   * @param latencyTargetNanos client write latency above which the copy backs off
   */
  public RateController(
      long initialBytesPerSecond,
      long minBytesPerSecond,
      long maxBytesPerSecond,
      long latencyTargetNanos) {
    if (initialBytesPerSecond < 0
        || minBytesPerSecond <= 0
        || maxBytesPerSecond < minBytesPerSecond) {
      throw new IllegalArgumentException("inconsistent rate limits");
    }
    this.targetBytesPerSecond = initialBytesPerSecond;
    this.minBytesPerSecond = minBytesPerSecond;
    this.maxBytesPerSecond = maxBytesPerSecond;
    this.latencyTargetNanos = latencyTargetNanos;
  }

  /** No limit at all. */
  public static RateController unlimited() {
    return new RateController(0, 1, 1, Long.MAX_VALUE);
  }

  /**
   * Whether {@code bytes} may be sent now. A send may take the bucket negative once (so one large
   * task always makes progress); the debt is repaid before the next send.
   */
  public boolean tryAcquire(long bytes, long nowNanos) {
    if (targetBytesPerSecond == 0) {
      return true;
    }
    refill(nowNanos);
    if (tokens <= 0) {
      return false;
    }
    tokens -= bytes;
    return true;
  }

  private void refill(long nowNanos) {
    if (lastRefillNanos == Long.MIN_VALUE) {
      lastRefillNanos = nowNanos;
      tokens = burst();
      return;
    }
    double add = (nowNanos - lastRefillNanos) * (targetBytesPerSecond / 1e9);
    tokens = Math.min(burst(), tokens + add);
    lastRefillNanos = nowNanos;
  }

  private double burst() {
    return Math.max(64 * 1024, targetBytesPerSecond / 10.0);
  }

  /** Feeds one client write latency: over target halves the rate, under it adds 5 % of max. */
  public void onClientLatency(long latencyNanos) {
    if (targetBytesPerSecond == 0) {
      return;
    }
    if (latencyNanos > latencyTargetNanos) {
      targetBytesPerSecond = Math.max(minBytesPerSecond, targetBytesPerSecond / 2);
    } else {
      targetBytesPerSecond =
          Math.min(maxBytesPerSecond, targetBytesPerSecond + maxBytesPerSecond / 20);
    }
  }

  /** Sets the target (operator command); 0 means unlimited. */
  public void setTargetBytesPerSecond(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("rate must not be negative");
    }
    targetBytesPerSecond = bytesPerSecond;
  }

  public long targetBytesPerSecond() {
    return targetBytesPerSecond;
  }
}
