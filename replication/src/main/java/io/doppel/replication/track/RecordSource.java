package io.doppel.replication.track;

/**
 * A log of the resource's records the primary can catch a replica up from (REPLICATION.md "When a
 * replica falls behind", file kind). The file face adapts the fs store's {@code
 * MutationLog.readFrom(seq, maxBytes)}; {@link BoundedRecordLog} is an in-memory one.
 */
public interface RecordSource {
  /**
   * Up to {@code maxBytes} of consecutive records from {@code seq} (at least one when any is
   * there), or {@link SourceRead.Trimmed} when {@code seq} is no longer kept.
   */
  SourceRead readFrom(long seq, long maxBytes);

  /** Whether {@code seq} (and everything after it) can still be read. */
  boolean covers(long seq);

  /** Bytes from {@code seq} to the end (an estimate is fine: it sizes catch-up rounds). */
  long bytesFrom(long seq);
}
