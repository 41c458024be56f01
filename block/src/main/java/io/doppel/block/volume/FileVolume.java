package io.doppel.block.volume;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * A volume backed by a sparse image file or an existing block device, through one {@link
 * FileChannel} whose positional reads and writes ({@code pread}/{@code pwrite}) are safe to issue
 * concurrently.
 *
 * <p>Honest limits, because plain Java cannot punch holes ({@code fallocate} is not exposed):
 *
 * <ul>
 *   <li>{@link #trim} is a no-op: NBD proto.md allows a server to ignore TRIM ("MAY discard"), and
 *       the client may assume nothing about trimmed contents, so keeping the old bytes is correct.
 *   <li>{@link #writeZeroes} writes real zero bytes (allocating space in a sparse file) whether or
 *       not the client allowed a hole.
 * </ul>
 *
 * FUA forces the data ({@code fdatasync}) after the write; FLUSH forces the whole channel.
 */
public final class FileVolume implements Volume {
  /** Zero source for WRITE_ZEROES; read-only so no caller can dirty it. */
  private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  private static final int PREFERRED_BLOCK = 4096;

  private final String name;
  private final FileChannel channel;
  private final long sizeBytes;
  private final boolean readOnly;

  private FileVolume(String name, FileChannel channel, long sizeBytes, boolean readOnly) {
    this.name = name;
    this.channel = channel;
    this.sizeBytes = sizeBytes;
    this.readOnly = readOnly;
  }

  /**
   * Creates a sparse image file of {@code sizeBytes} if it does not exist (an existing file keeps
   * its size when {@code sizeBytes} is 0, and must match it otherwise).
   */
  public static FileVolume createOrOpen(String name, Path path, long sizeBytes, boolean readOnly)
      throws IOException {
    if (!Files.exists(path)) {
      if (sizeBytes <= 0) {
        throw new IOException("volume " + name + ": " + path + " does not exist and size is 0");
      }
      try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
        file.setLength(sizeBytes); // sparse: no block is allocated until written
        file.getFD().sync();
      }
    }
    return open(name, path, sizeBytes, readOnly);
  }

  /** Opens an existing image file or block device; its size comes from the channel. */
  public static FileVolume open(String name, Path path, long expectedSize, boolean readOnly)
      throws IOException {
    Set<StandardOpenOption> options =
        readOnly
            ? EnumSet.of(StandardOpenOption.READ)
            : EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileChannel channel = FileChannel.open(path, options);
    try {
      long size = channel.size();
      if (size <= 0) {
        throw new IOException("volume " + name + ": cannot determine the size of " + path);
      }
      if (expectedSize > 0 && expectedSize != size) {
        throw new IOException(
            "volume "
                + name
                + ": "
                + path
                + " has "
                + size
                + " bytes, config says "
                + expectedSize);
      }
      return new FileVolume(name, channel, size, readOnly);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public int blockSize() {
    return PREFERRED_BLOCK;
  }

  @Override
  public boolean readOnly() {
    return readOnly;
  }

  @Override
  public void read(long offset, int length, ByteBuffer dst) throws IOException {
    checkRange(offset, length);
    ByteBuffer view = dst.slice(dst.position(), length);
    long pos = offset;
    while (view.hasRemaining()) {
      int n = channel.read(view, pos);
      if (n < 0) {
        // A file shrunk behind our back: the missing tail reads as zeroes.
        while (view.hasRemaining()) {
          view.put((byte) 0);
        }
        break;
      }
      pos += n;
    }
    dst.position(dst.position() + length);
  }

  @Override
  public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
    checkWritable();
    checkRange(offset, src.remaining());
    long pos = offset;
    while (src.hasRemaining()) {
      pos += channel.write(src, pos);
    }
    if (fua) {
      channel.force(false);
    }
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim)
      throws IOException {
    checkWritable();
    checkRange(offset, length);
    long pos = offset;
    long end = offset + length;
    while (pos < end) {
      ByteBuffer chunk = ZEROES.duplicate();
      chunk.limit((int) Math.min(chunk.capacity(), end - pos));
      while (chunk.hasRemaining()) {
        pos += channel.write(chunk, pos);
      }
    }
    if (fua) {
      channel.force(false);
    }
  }

  @Override
  public void trim(long offset, long length) throws IOException {
    checkWritable();
    checkRange(offset, length);
  }

  @Override
  public void flush() throws IOException {
    if (!readOnly) {
      channel.force(true);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private void checkWritable() throws IOException {
    if (readOnly) {
      throw new IOException("volume " + name + " is read-only");
    }
  }

  private void checkRange(long offset, long length) {
    if (offset < 0 || length < 0 || offset > sizeBytes - length) {
      throw new IllegalArgumentException(
          "range " + offset + "+" + length + " outside volume " + name + " of " + sizeBytes);
    }
  }

  @Override
  public String toString() {
    return "FileVolume[" + name + ", " + sizeBytes + " bytes" + (readOnly ? ", ro]" : "]");
  }
}
