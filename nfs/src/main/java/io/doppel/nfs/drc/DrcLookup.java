package io.doppel.nfs.drc;

/** What {@link DuplicateRequestCache#begin} found. */
public sealed interface DrcLookup {
  /** A new request, now recorded as in progress: execute it, then complete or abandon it. */
  record Miss() implements DrcLookup {}

  /** The same request is still executing: send nothing. */
  record InProgress() implements DrcLookup {}

  /** The same request completed: send its saved reply again. */
  record Replay(byte[] reply) implements DrcLookup {}
}
