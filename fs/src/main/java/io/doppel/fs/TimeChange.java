package io.doppel.fs;

/** How SETATTR changes a timestamp (RFC 1813 set_atime / set_mtime). */
public sealed interface TimeChange {
  /** DONT_CHANGE. */
  record Keep() implements TimeChange {}

  /** SET_TO_SERVER_TIME: the primary's clock at the moment it prepares the mutation. */
  record ServerTime() implements TimeChange {}

  /** SET_TO_CLIENT_TIME. */
  record ClientTime(long nanos) implements TimeChange {}

  TimeChange KEEP = new Keep();
}
