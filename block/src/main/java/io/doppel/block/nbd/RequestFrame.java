package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;

/** What the {@link RequestDecoder} emits in the transmission phase (NBD proto.md, "Request"). */
sealed interface RequestFrame {

  /**
   * One request. {@code payload} is the write data (a buffer owned by whoever receives this; null
   * for other commands). {@code type} is the raw wire value so unknown commands can be answered.
   * {@code length} is unsigned 32-bit.
   */
  record Request(int flags, int type, long handle, long offset, long length, ByteBuf payload)
      implements RequestFrame {}

  /** The stream is unusable (bad magic, oversize write); nothing more will be decoded. */
  record Broken(NbdError reason) implements RequestFrame {}
}
