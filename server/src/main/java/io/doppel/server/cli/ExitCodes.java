package io.doppel.server.cli;

/** The process exit codes of every {@code doppel} command, listed in the help text. */
final class ExitCodes {
  private ExitCodes() {}

  /** Success; for fsck: the export is clean. */
  static final int OK = 0;

  /** Failure at run time (start-up failed, endpoint unreachable); for fsck: problems found. */
  static final int FAILED = 1;

  /** Usage or configuration error. */
  static final int CONFIG = 2;

  /** fsck could not check: the store is in use by a running node, or missing. */
  static final int NOT_CHECKED = 3;
}
