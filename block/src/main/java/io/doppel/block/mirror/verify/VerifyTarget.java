package io.doppel.block.mirror.verify;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link VerifyJob} drives: a mirrored volume's primary ({@link VerifyPort} in production, a
 * scripted fake in tests). Every future completes on the volume's replication thread.
 */
public interface VerifyTarget {
  String volume();

  long sizeBytes();

  /** The verify's region size (the dirty map's, so a repair marks exactly what was reported). */
  int regionBytes();

  /** Starts receiving answers. */
  CompletableFuture<Long> open();

  /** Stops receiving answers. */
  CompletableFuture<Long> close();

  /**
   * Emits a verify record for {@code [offset, offset + length)}; completes with the batch holding
   * the answer of every backup that stayed in sync while it went by.
   */
  CompletableFuture<VerifyPort.Batch> emit(long offset, long length);

  /** The backups as the primary sees them now (node → replication state name). */
  CompletableFuture<Map<String, String>> replicas();

  /** Marks {@code regions} ({offset, length}) dirty for each listed backup and resyncs them. */
  CompletableFuture<Long> repair(Map<String, List<long[]>> regions);
}
