package io.doppel.fs;

/** An expected filesystem failure with its status; cheap (no stack trace). */
public final class FsException extends Exception {
  private final FsStatus status;

  public FsException(FsStatus status, String message) {
    super(status + ": " + message, null, false, false);
    this.status = status;
  }

  public FsStatus status() {
    return status;
  }
}
