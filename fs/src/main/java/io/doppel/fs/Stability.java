package io.doppel.fs;

/** How durable a write must be before it is acknowledged (RFC 1813 stable_how). */
public enum Stability {
  /** In the page cache; made durable by COMMIT. */
  UNSTABLE(0),
  /** Data on stable storage (metadata needed to read it back too). */
  DATA_SYNC(1),
  /** Data and all metadata on stable storage. */
  FILE_SYNC(2);

  public final int code;

  Stability(int code) {
    this.code = code;
  }
}
