package io.doppel.block.mirror.verify;

/** The lifecycle of one online verify; the code is exported in {@code /status}-style reports. */
public enum VerifyState {
  /** Walking the volume batch by batch. */
  RUNNING(1),
  /** The walk is done; differing regions were marked and the backups are resyncing them. */
  REPAIRING(2),
  /** Finished: the report is final. */
  DONE(3),
  /** Stopped by an error (the volume was demoted or closed, a batch timed out); see the error. */
  FAILED(4);

  private final int code;

  VerifyState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public boolean finished() {
    return this == DONE || this == FAILED;
  }
}
