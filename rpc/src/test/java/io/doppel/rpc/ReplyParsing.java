package io.doppel.rpc;

import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;

/** Unchecked XDR reads for test assertions. */
final class ReplyParsing {
  private ReplyParsing() {}

  static String string(XdrDecoder in) {
    try {
      return in.readString(1 << 20);
    } catch (XdrException e) {
      throw new AssertionError(e);
    }
  }

  static int integer(XdrDecoder in) {
    try {
      return in.readInt();
    } catch (XdrException e) {
      throw new AssertionError(e);
    }
  }
}
