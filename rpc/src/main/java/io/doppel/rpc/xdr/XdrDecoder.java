package io.doppel.rpc.xdr;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads XDR (RFC 4506) values from one received record. Every variable-length item is bounded by
 * the caller and checked against both the bound and the bytes actually present <em>before</em>
 * anything is allocated, so a hostile length costs nothing.
 *
 * <p>A decoder is valid only while the RPC layer hands it to a procedure (see {@code
 * RpcProgram#handle}); the {@link ByteBuffer} views it returns share that lifetime.
 */
public final class XdrDecoder {
  private final ByteBuf buf;

  public XdrDecoder(ByteBuf buf) {
    this.buf = buf;
  }

  /** Bytes not yet consumed. */
  public int remaining() {
    return buf.readableBytes();
  }

  private void need(int bytes, String what) throws XdrException {
    if (bytes < 0 || buf.readableBytes() < bytes) {
      throw new XdrException(
          "truncated " + what + ": need " + bytes + " bytes, have " + buf.readableBytes());
    }
  }

  /** RFC 4506 §4.1. */
  public int readInt() throws XdrException {
    need(4, "int");
    return buf.readInt();
  }

  /** RFC 4506 §4.2: the caller interprets the 32 bits as unsigned where the spec says so. */
  public long readUnsignedInt() throws XdrException {
    need(4, "unsigned int");
    return buf.readUnsignedInt();
  }

  /** RFC 4506 §4.5 (hyper). */
  public long readLong() throws XdrException {
    need(8, "hyper");
    return buf.readLong();
  }

  /** RFC 4506 §4.4: anything but 0 or 1 is garbage. */
  public boolean readBoolean() throws XdrException {
    int v = readInt();
    if (v != 0 && v != 1) {
      throw new XdrException("bool must be 0 or 1, got " + v);
    }
    return v == 1;
  }

  /** Reads a variable-length opaque's length and checks it against {@code maxLength}. */
  private int readLength(int maxLength, String what) throws XdrException {
    int len = readInt();
    if (len < 0 || len > maxLength) {
      throw new XdrException(what + " length " + Integer.toUnsignedString(len) + " > " + maxLength);
    }
    need(pad(len), what);
    return len;
  }

  /** RFC 4506 §4.10: opaque&lt;maxLength&gt;, copied. */
  public byte[] readOpaque(int maxLength) throws XdrException {
    int len = readLength(maxLength, "opaque");
    return readFixedOpaque(len);
  }

  /** RFC 4506 §4.9: opaque[length], copied. */
  public byte[] readFixedOpaque(int length) throws XdrException {
    need(pad(length), "fixed opaque");
    byte[] out = new byte[length];
    buf.readBytes(out);
    buf.skipBytes(pad(length) - length);
    return out;
  }

  /**
   * opaque&lt;maxLength&gt; returned as a read-only view without copying (WRITE payloads). Valid
   * only while the decoder is.
   */
  public ByteBuffer readOpaqueView(int maxLength) throws XdrException {
    int len = readLength(maxLength, "opaque");
    ByteBuffer view = buf.nioBuffer(buf.readerIndex(), len).asReadOnlyBuffer();
    buf.skipBytes(pad(len));
    return view;
  }

  /**
   * RFC 4506 §4.11: string&lt;maxLength&gt;. Bytes are decoded as UTF-8 with malformed sequences
   * replaced; callers that must preserve raw bytes use {@link #readOpaque}.
   */
  public String readString(int maxLength) throws XdrException {
    return new String(readOpaque(maxLength), StandardCharsets.UTF_8);
  }

  /** Skips {@code bytes} (already padded) bytes. */
  public void skip(int bytes) throws XdrException {
    need(bytes, "skip");
    buf.skipBytes(bytes);
  }

  /** Length rounded up to the XDR unit of 4 bytes. */
  public static int pad(int length) {
    return (length + 3) & ~3;
  }
}
