package io.doppel.replication.primary;

/** The primary was fenced by a newer epoch before the record committed (SYSTEM.md invariant 3). */
public final class FencedException extends Exception {
  public FencedException(String resource, long epoch, long newerEpoch) {
    super("resource " + resource + " epoch " + epoch + " fenced by epoch " + newerEpoch);
  }
}
