package io.doppel.block.nbd;

import java.nio.ByteBuffer;

/**
 * The payload of NBD_OPT_INFO / NBD_OPT_GO: 32-bit name length, name, 16-bit count, that many
 * 16-bit information requests (NBD INFO extension).
 */
record InfoRequest(byte[] name, short[] infoTypes) {

  /** Parses the payload, or returns null when its lengths are inconsistent. */
  static InfoRequest parse(byte[] data) {
    if (data.length < 6) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(data);
    long nameLength = Integer.toUnsignedLong(in.getInt());
    if (nameLength > data.length - 6L) {
      return null;
    }
    byte[] name = new byte[(int) nameLength];
    in.get(name);
    int count = Short.toUnsignedInt(in.getShort());
    if (in.remaining() != 2 * count) {
      return null;
    }
    short[] types = new short[count];
    for (int i = 0; i < count; i++) {
      types[i] = in.getShort();
    }
    return new InfoRequest(name, types);
  }

  boolean wants(int infoType) {
    for (short t : infoTypes) {
      if (Short.toUnsignedInt(t) == infoType) {
        return true;
      }
    }
    return false;
  }
}
