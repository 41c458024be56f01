package io.doppel.fs;

/** RFC 1813 createhow3. */
public sealed interface CreateMode {
  /** Create, or truncate per the attributes if it exists (UNCHECKED). */
  record Unchecked(SetAttributes attributes) implements CreateMode {}

  /** Fail with EXIST if the name exists (GUARDED). */
  record Guarded(SetAttributes attributes) implements CreateMode {}

  /**
   * EXCLUSIVE: the verifier is persisted with the new inode; a retransmitted create with the same
   * verifier finds the file and succeeds, a different verifier gets EXIST.
   */
  record Exclusive(long verifier) implements CreateMode {}
}
