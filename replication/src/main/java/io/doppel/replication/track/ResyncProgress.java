package io.doppel.replication.track;

/**
 * Where a catch-up or copy stands, for status and the progress bar.
 *
 * @param bytesDone bytes sent and applied in this catch-up so far
 * @param bytesTotal bytes known to be needed (grows when later rounds find more)
 * @param elapsedNanos time since the catch-up began
 */
public record ResyncProgress(long bytesDone, long bytesTotal, long elapsedNanos) {
  public static final ResyncProgress NONE = new ResyncProgress(0, 0, 0);

  /** Fraction done in [0, 1]. */
  public double fraction() {
    return bytesTotal == 0 ? 1.0 : Math.min(1.0, (double) bytesDone / bytesTotal);
  }

  /** Estimated nanos to completion at the average rate so far, or -1 when unknown. */
  public long etaNanos() {
    if (bytesDone == 0 || elapsedNanos == 0) {
      return -1;
    }
    long remaining = Math.max(0, bytesTotal - bytesDone);
    return (long) (remaining * ((double) elapsedNanos / bytesDone));
  }
}
