package io.doppel.replication.track;

import io.doppel.replication.wire.Record;
import java.util.List;

/**
 * What a primary copies when records alone cannot bring a replica back (REPLICATION.md "Bringing it
 * back"): the dirty regions of a volume, or a full snapshot. Supplied by the front end; called on
 * the resource's agent thread.
 */
public interface CopySource {
  /** Plans copying everything: a full resync. */
  List<CopyTask> planFull();

  /**
   * Plans copying what changed after {@code afterSeq} (and, with {@code includeUnknown}, what this
   * primary incarnation cannot vouch for), or returns null when this source cannot tell (then only
   * {@link #planFull()} works).
   */
  List<CopyTask> planChangesAfter(long afterSeq, boolean includeUnknown);

  /**
   * Reads a task's current content as a record for the replica's {@code applyCopy} ({@code seq} is
   * the round's basis: every record up to it is included).
   */
  Record read(CopyTask task, long epoch, long basisSeq);

  /**
   * Adds {@code ranges} (a former primary's unacknowledged tail, {@link
   * io.doppel.replication.history.TailClaim}) to what changed at {@code seq}, durably, so that a
   * replica durable before {@code seq} gets them copied. False when this source cannot (then the
   * tail cannot be resolved by a partial copy).
   */
  default boolean adoptChanges(
      List<io.doppel.replication.history.TailClaim.Range> ranges, long seq) {
    return false;
  }
}
