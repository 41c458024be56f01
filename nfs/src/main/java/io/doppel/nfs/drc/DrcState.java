package io.doppel.nfs.drc;

/** Lifecycle of one cached request. */
public enum DrcState {
  /** The original is being executed; a duplicate arriving now is dropped (the client retries). */
  IN_PROGRESS,
  /** The reply is saved; a duplicate gets exactly the same bytes. */
  DONE
}
