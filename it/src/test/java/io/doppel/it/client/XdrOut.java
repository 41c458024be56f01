package io.doppel.it.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Minimal XDR encoder (RFC 4506) into a growable byte array; test and benchmark use only. */
public final class XdrOut {
  private byte[] buf = new byte[256];
  private int len;

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  public XdrOut u32(int v) {
    ensure(4);
    buf[len++] = (byte) (v >>> 24);
    buf[len++] = (byte) (v >>> 16);
    buf[len++] = (byte) (v >>> 8);
    buf[len++] = (byte) v;
    return this;
  }

  public XdrOut u64(long v) {
    u32((int) (v >>> 32));
    return u32((int) v);
  }

  public XdrOut bool(boolean b) {
    return u32(b ? 1 : 0);
  }

  /** Fixed-length opaque: bytes plus padding to 4. */
  public XdrOut fixed(byte[] b) {
    return raw(b, 0, b.length).pad(b.length);
  }

  /** Variable-length opaque: length, bytes, padding. */
  public XdrOut opaque(byte[] b) {
    return opaque(b, 0, b.length);
  }

  public XdrOut opaque(byte[] b, int off, int n) {
    u32(n);
    return raw(b, off, n).pad(n);
  }

  public XdrOut string(String s) {
    return opaque(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends bytes without length or padding (used by fuzzers to build hostile records). */
  public XdrOut raw(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
    return this;
  }

  private XdrOut pad(int n) {
    int p = (4 - (n & 3)) & 3;
    ensure(p);
    for (int i = 0; i < p; i++) {
      buf[len++] = 0;
    }
    return this;
  }

  public int length() {
    return len;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
