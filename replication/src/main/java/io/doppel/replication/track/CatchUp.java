package io.doppel.replication.track;

/** How a replica that is durable through some seq is brought back to the primary's last seq. */
public sealed interface CatchUp {
  /** It misses nothing. */
  record NothingMissing() implements CatchUp {}

  /** Send records from {@code fromSeq} out of the {@link RecordSource}. */
  record FromLog(long fromSeq) implements CatchUp {}

  /** Copy what changed after {@code afterSeq} ({@link CopySource#planChangesAfter}). */
  record CopyChanges(long afterSeq) implements CatchUp {}

  /** Tracking does not reach back far enough: copy everything. */
  record FullSync() implements CatchUp {}
}
