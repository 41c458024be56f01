package io.doppel.rpc.xdr;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes XDR (RFC 4506) values into an outgoing reply. The buffer belongs to the RPC layer; a
 * procedure only sees this encoder.
 */
public final class XdrEncoder {
  private static final byte[] ZEROS = new byte[4];
  private final ByteBuf buf;

  public XdrEncoder(ByteBuf buf) {
    this.buf = buf;
  }

  public XdrEncoder writeInt(int v) {
    buf.writeInt(v);
    return this;
  }

  /** Writes the low 32 bits of {@code v} (unsigned int). */
  public XdrEncoder writeUnsignedInt(long v) {
    buf.writeInt((int) v);
    return this;
  }

  public XdrEncoder writeLong(long v) {
    buf.writeLong(v);
    return this;
  }

  public XdrEncoder writeBoolean(boolean v) {
    buf.writeInt(v ? 1 : 0);
    return this;
  }

  /** opaque&lt;&gt;: length, bytes, padding. */
  public XdrEncoder writeOpaque(byte[] bytes) {
    buf.writeInt(bytes.length);
    return writeFixedOpaque(bytes);
  }

  /** opaque&lt;&gt; from a buffer's remaining bytes (the buffer's position is not moved). */
  public XdrEncoder writeOpaque(ByteBuffer bytes) {
    int len = bytes.remaining();
    buf.writeInt(len);
    buf.writeBytes(bytes.duplicate());
    buf.writeBytes(ZEROS, 0, XdrDecoder.pad(len) - len);
    return this;
  }

  /** opaque[n]: bytes and padding, no length. */
  public XdrEncoder writeFixedOpaque(byte[] bytes) {
    buf.writeBytes(bytes);
    buf.writeBytes(ZEROS, 0, XdrDecoder.pad(bytes.length) - bytes.length);
    return this;
  }

  /**
   * opaque&lt;&gt; read straight from a file: one copy from the page cache into the reply buffer.
   * Exactly {@code length} bytes must be readable at {@code position}; a short read is an
   * IOException (the caller answers an I/O error).
   */
  public XdrEncoder writeOpaque(FileChannel file, long position, int length) throws IOException {
    buf.writeInt(length);
    buf.ensureWritable(XdrDecoder.pad(length));
    int done = 0;
    while (done < length) {
      int n = buf.writeBytes(file, position + done, length - done);
      if (n < 0) {
        throw new IOException("file ended " + (length - done) + " bytes early at " + position);
      }
      done += n;
    }
    buf.writeBytes(ZEROS, 0, XdrDecoder.pad(length) - length);
    return this;
  }

  public XdrEncoder writeString(String s) {
    return writeOpaque(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Bytes written so far into this reply (used for READDIR maxcount accounting). */
  public int position() {
    return buf.writerIndex();
  }
}
