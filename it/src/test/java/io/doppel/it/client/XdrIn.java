package io.doppel.it.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Minimal XDR decoder (RFC 4506) over one received record; bounds-checked. */
public final class XdrIn {
  private final byte[] buf;
  private int pos;

  public XdrIn(byte[] buf, int pos) {
    this.buf = buf;
    this.pos = pos;
  }

  private void need(int n) throws IOException {
    if (n < 0 || pos + n > buf.length) {
      throw new IOException("XDR underflow: need " + n + " at " + pos + " of " + buf.length);
    }
  }

  public int u32() throws IOException {
    need(4);
    int v =
        ((buf[pos] & 0xff) << 24)
            | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8)
            | (buf[pos + 3] & 0xff);
    pos += 4;
    return v;
  }

  public long u64() throws IOException {
    long hi = u32() & 0xffffffffL;
    return (hi << 32) | (u32() & 0xffffffffL);
  }

  public boolean bool() throws IOException {
    int v = u32();
    if (v != 0 && v != 1) {
      throw new IOException("bad XDR bool " + v);
    }
    return v == 1;
  }

  public byte[] fixed(int n) throws IOException {
    int padded = (n + 3) & ~3;
    need(padded);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
    pos += padded;
    return b;
  }

  public byte[] opaque(int max) throws IOException {
    int n = u32();
    if (n < 0 || n > max) {
      throw new IOException("XDR opaque length " + (n & 0xffffffffL) + " > " + max);
    }
    return fixed(n);
  }

  public String string(int max) throws IOException {
    return new String(opaque(max), StandardCharsets.UTF_8);
  }

  public int remaining() {
    return buf.length - pos;
  }
}
