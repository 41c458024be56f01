package io.doppel.block.mirror;

import io.doppel.block.volume.Volume;
import io.doppel.replication.wire.Record;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The block face's record kinds and payloads: {@code offset(8) length(8) [data]}, big-endian. The
 * primary and the backup apply them with the same code ({@link #apply}), SYSTEM.md invariant 2.
 */
public final class BlockRecords {
  /** Payload: offset, length, data. */
  public static final int KIND_WRITE = 1;

  /** Payload: offset, length; the range reads as zeroes afterwards. */
  public static final int KIND_ZEROES = 2;

  /** Payload: offset, length; contents unspecified afterwards (applied as zeroes on backups). */
  public static final int KIND_TRIM = 3;

  /** No payload: a barrier the primary sends with DURABLE strength for NBD FLUSH. */
  public static final int KIND_FLUSH = 4;

  /** A resync copy of a range: offset, length, data. */
  public static final int KIND_COPY = 10;

  static final int HEADER = 16;

  private BlockRecords() {}

  /** A payload with a header and {@code data} (may be null for ranges without data). */
  public static byte[] payload(long offset, long length, byte[] data) {
    int dataLen = data == null ? 0 : data.length;
    ByteBuffer b = ByteBuffer.allocate(HEADER + dataLen);
    b.putLong(offset).putLong(length);
    if (data != null) {
      b.put(data);
    }
    return b.array();
  }

  /**
   * Applies {@code record} to {@code volume} (without forcing it). Throws {@link IOException} on a
   * malformed payload: the replica fences itself rather than apply garbage.
   */
  public static void apply(Record record, Volume volume) throws IOException {
    if (record.kind() == KIND_FLUSH) {
      return;
    }
    ByteBuffer p = ByteBuffer.wrap(record.payload());
    if (p.remaining() < HEADER) {
      throw new IOException("block record too short: " + record);
    }
    long offset = p.getLong();
    long length = p.getLong();
    if (offset < 0 || length <= 0 || offset > volume.sizeBytes() - length) {
      throw new IOException("block record outside the volume: " + record);
    }
    switch (record.kind()) {
      case KIND_WRITE, KIND_COPY -> {
        if (p.remaining() != length) {
          throw new IOException("block record data length mismatch: " + record);
        }
        volume.write(offset, p, false);
      }
      case KIND_ZEROES, KIND_TRIM -> volume.writeZeroes(offset, length, false, true);
      default -> throw new IOException("unknown block record kind: " + record);
    }
  }
}
