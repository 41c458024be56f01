package io.doppel.fs.mutation;

import java.io.IOException;

/** Bytes that are not a valid encoded mutation (bad checksum, version, kind or length). */
public final class CorruptMutationException extends IOException {
  public CorruptMutationException(String message) {
    super(message);
  }
}
