package io.doppel.replication.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One replicated record (REPLICATION.md "The stream"): {@code seq} grows by one per record for the
 * life of the resource across epochs; {@code kind} and {@code payload} belong to the front end (a
 * block write, a filesystem mutation). The CRC32C covers header and payload so corruption anywhere
 * between the primary's memory and the replica's applier is caught, not only TCP's.
 */
public record Record(
    String resource, long epoch, long seq, int kind, byte[] payload, int checksum) {

  /** Fixed header bytes on the wire besides the resource name and the payload. */
  public static final int HEADER_BYTES = 8 + 8 + 4 + 4 + 4 + 2;

  public Record {
    if (resource.isEmpty() || resource.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException("resource name must be 1..255 UTF-8 bytes");
    }
  }

  /** A record with its checksum computed. */
  public static Record of(String resource, long epoch, long seq, int kind, byte[] payload) {
    return new Record(
        resource, epoch, seq, kind, payload, checksum(resource, epoch, seq, kind, payload));
  }

  /** True when the checksum matches the content. */
  public boolean verify() {
    return checksum == checksum(resource, epoch, seq, kind, payload);
  }

  /** Bytes this record occupies on the wire (what windows and logs count). */
  public int sizeBytes() {
    return HEADER_BYTES + resource.length() + payload.length;
  }

  static int checksum(String resource, long epoch, long seq, int kind, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(resource.getBytes(StandardCharsets.UTF_8));
    ByteBuffer header = ByteBuffer.allocate(24);
    header.putLong(epoch).putLong(seq).putInt(kind).putInt(payload.length).flip();
    crc.update(header);
    crc.update(payload);
    return (int) crc.getValue();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Record r
        && r.resource.equals(resource)
        && r.epoch == epoch
        && r.seq == seq
        && r.kind == kind
        && r.checksum == checksum
        && Arrays.equals(r.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + checksum;
  }

  @Override
  public String toString() {
    return "Record["
        + resource
        + " e"
        + epoch
        + " s"
        + seq
        + " k"
        + kind
        + " "
        + payload.length
        + "B]";
  }
}
