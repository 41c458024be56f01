package io.doppel.cluster.message;

/** A datagram that is not a valid cluster message; counted and dropped, never fatal. */
public final class CodecException extends Exception {
  public CodecException(String message) {
    super(message);
  }
}
