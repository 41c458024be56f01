package io.doppel.block.mirror.verify;

/**
 * How an online verify walks a volume.
 *
 * @param batchBytes bytes digested per verify record: the longest a client write waits behind one
 *     batch is the time to read and hash this much (rounded up to whole regions)
 * @param rateBytesPerSecond upper bound on the walk's pace (0 = as fast as the batches go)
 * @param repair mark differing regions dirty for their backup so the resync copies them
 * @param repairTimeoutNanos how long to wait for repaired backups to be in sync again
 */
public record VerifyOptions(
    long batchBytes, long rateBytesPerSecond, boolean repair, long repairTimeoutNanos) {
  /** 8 MiB batches (a few ms of SHA-256), 256 MiB/s, no repair, 10 minutes for a repair. */
  public static final VerifyOptions DEFAULT =
      new VerifyOptions(8L << 20, 256L << 20, false, 600_000_000_000L);

  public VerifyOptions {
    if (batchBytes < 4096 || batchBytes > 256L << 20) {
      throw new IllegalArgumentException("verify batch must be 4 KiB..256 MiB");
    }
    if (rateBytesPerSecond < 0 || repairTimeoutNanos <= 0) {
      throw new IllegalArgumentException("rate must be >= 0 and the repair timeout positive");
    }
  }

  public VerifyOptions withRepair(boolean on) {
    return new VerifyOptions(batchBytes, rateBytesPerSecond, on, repairTimeoutNanos);
  }

  public VerifyOptions withRate(long bytesPerSecond) {
    return new VerifyOptions(batchBytes, bytesPerSecond, repair, repairTimeoutNanos);
  }
}
