package io.doppel.replication.primary;

/**
 * Makes durable, before a record with a seq beyond it leaves the primary, how far the primary's
 * seqs may have gone. A primary that is killed persisted its history only as of its last flush;
 * when it restarts it must continue above every seq a replica could hold, or its new epoch would
 * reuse seqs the replica has in the old one and their histories would fork though nothing was lost
 * (REPLICATION.md "Who is newer"). Reserving in steps costs one small fsync per step.
 */
@FunctionalInterface
public interface SeqReservation {
  /**
   * Durably records that seqs up to at least {@code seq} may have been sent; returns the seq
   * reserved through (≥ {@code seq}). Throws (unchecked) when it cannot: the record is not sent.
   */
  long reserveThrough(long seq);
}
