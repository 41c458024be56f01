package io.doppel.rpc.xdr;

/**
 * Input that is not valid XDR for the type being decoded: too short, a length over its bound, a bad
 * boolean or discriminant. The RPC layer answers GARBAGE_ARGS (RFC 5531 §9).
 */
public final class XdrException extends Exception {
  public XdrException(String message) {
    super(message, null, false, false);
  }
}
