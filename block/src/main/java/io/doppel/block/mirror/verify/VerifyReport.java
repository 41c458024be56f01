package io.doppel.block.mirror.verify;

import java.util.List;

/**
 * An online verify's progress and result (JSON at {@code GET /volume/verify}).
 *
 * @param bytesDone bytes of the volume walked so far
 * @param etaMillis estimated time to the end of the walk at the rate so far, -1 when unknown
 * @param replicas one entry per backup the primary knows
 * @param error why the verify failed, or null
 */
public record VerifyReport(
    String volume,
    VerifyState state,
    boolean repair,
    long totalBytes,
    long bytesDone,
    long elapsedMillis,
    long etaMillis,
    long rateBytesPerSecond,
    int regionBytes,
    List<ReplicaResult> replicas,
    String error) {
  public VerifyReport {
    replicas = List.copyOf(replicas);
  }

  /** Whether any backup differs from the primary or could not be compared everywhere. */
  public boolean clean() {
    return replicas.stream().allMatch(r -> r.differing().isEmpty() && r.unverifiedBytes() == 0);
  }

  /**
   * One backup's result.
   *
   * @param verifiedBytes bytes compared (it answered the verify record covering them)
   * @param unverifiedBytes bytes it could not be compared on (out of sync when they were walked)
   * @param differing differing ranges, adjacent regions merged, in offset order
   * @param repaired a repair was requested and the backup is in sync again after copying them
   */
  public record ReplicaResult(
      String node,
      long verifiedBytes,
      long unverifiedBytes,
      List<Range> differing,
      boolean repaired) {
    public ReplicaResult {
      differing = List.copyOf(differing);
    }

    public long differingBytes() {
      return differing.stream().mapToLong(Range::length).sum();
    }
  }

  /** A byte range of the volume. */
  public record Range(long offset, long length) {}
}
