package io.doppel.replication.wire;

/** A frame that does not decode to a valid message; the receiver counts it and drops the link. */
public final class MalformedMessageException extends Exception {
  public MalformedMessageException(String message) {
    super(message);
  }
}
