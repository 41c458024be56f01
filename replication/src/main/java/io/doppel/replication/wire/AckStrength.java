package io.doppel.replication.wire;

/**
 * How far a replica must have taken a record before the front end may answer its client
 * (REPLICATION.md; DRBD's protocols B and C).
 */
public enum AckStrength {
  /** In the replica's memory or page cache: NFS UNSTABLE, plain NBD writes. */
  RECEIVED,
  /** On the replica's stable storage: FILE_SYNC, DATA_SYNC, COMMIT, NBD FUA and FLUSH. */
  DURABLE
}
