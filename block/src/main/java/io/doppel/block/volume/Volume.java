package io.doppel.block.volume;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A fixed-size range of bytes served as one NBD export. Calls are blocking (they do disk I/O) and
 * are made from the block face's bounded worker pool, never from a Netty event loop. Callers check
 * ranges and read-only state before calling; an implementation may throw {@link
 * IllegalArgumentException} for an out-of-range call as a last line of defence.
 *
 * <p>Every implementation is safe for concurrent use by many connections: a completed {@link
 * #write} is visible to every later {@link #read} from any caller, and {@link #flush} makes every
 * completed write durable. That is what lets the NBD server advertise {@code
 * NBD_FLAG_CAN_MULTI_CONN} (NBD proto.md, "Transmission flags").
 *
 * <p>Decorators stack: {@code CachedVolume(MirroredVolume(FileVolume))}. A mirrored volume (module
 * {@code replication}) implements this interface and wraps the local one; the protocol code never
 * changes.
 */
public interface Volume extends AutoCloseable {

  /** The export name, {@code [A-Za-z0-9._-]{1,64}}. */
  String name();

  long sizeBytes();

  /** The preferred I/O size advertised to clients (NBD_INFO_BLOCK_SIZE preferred). */
  int blockSize();

  boolean readOnly();

  /** Fills {@code length} bytes of {@code dst} (from its position) with the volume at offset. */
  void read(long offset, int length, ByteBuffer dst) throws IOException;

  /** Writes all remaining bytes of {@code src} at offset; with {@code fua} they are durable. */
  void write(long offset, ByteBuffer src, boolean fua) throws IOException;

  /**
   * Makes the range read as zeroes. {@code mayTrim} is false when the client set {@code
   * NBD_CMD_FLAG_NO_HOLE} (it wants the space allocated).
   */
  void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException;

  /** A hint that the range is no longer needed; its contents are unspecified afterwards. */
  void trim(long offset, long length) throws IOException;

  /** Makes every completed write durable. */
  void flush() throws IOException;

  @Override
  void close() throws IOException;
}
