package io.doppel.block.volume;

import java.nio.ByteBuffer;

/** An in-memory volume for tests: the reference model for the cache and the protocol tests. */
public final class MemoryVolume implements Volume {
  private final String name;
  private final byte[] data;
  private final boolean readOnly;
  public int flushes;

  public MemoryVolume(String name, int size, boolean readOnly) {
    this.name = name;
    this.data = new byte[size];
    this.readOnly = readOnly;
  }

  public byte[] data() {
    return data;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long sizeBytes() {
    return data.length;
  }

  @Override
  public int blockSize() {
    return 4096;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public synchronized void read(long offset, int length, ByteBuffer dst) {
    check(offset, length);
    dst.put(data, (int) offset, length);
  }

  @Override
  public synchronized void write(long offset, ByteBuffer src, boolean fua) {
    check(offset, src.remaining());
    src.get(data, (int) offset, src.remaining());
  }

  @Override
  public synchronized void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) {
    check(offset, length);
    java.util.Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
  }

  /** Trim scribbles a marker so tests notice a cache that hides what the volume below did. */
  @Override
  public synchronized void trim(long offset, long length) {
    check(offset, length);
    java.util.Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0x7e);
  }

  @Override
  public synchronized void flush() {
    flushes++;
  }

  @Override
  public void close() {}

  private void check(long offset, long length) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      throw new IllegalArgumentException("out of range");
    }
  }
}
