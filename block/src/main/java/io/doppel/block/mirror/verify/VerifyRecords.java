package io.doppel.block.mirror.verify;

import io.doppel.block.volume.Volume;
import io.doppel.replication.wire.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The block face's verify record (REPLICATION.md "Verify"): {@code offset(8) length(8)
 * regionBytes(4) count(4) digests(count × 32)}, big-endian. The primary emits it in its ordered
 * write path with the SHA-256 digests of its own image's regions {@code [offset, offset + length)};
 * every backup, applying it at the same seq, digests the same regions of its image and answers.
 * Applying it changes no data on either side.
 *
 * <p>SHA-256 rather than CRC32C: a verify exists to catch corruption and operator mistakes, where a
 * 32-bit checksum's 1-in-4-billion miss per region is not negligible over millions of regions; the
 * JDK's SHA-256 uses the CPU's SHA extensions (intrinsic), so it is not the bottleneck.
 */
public final class VerifyRecords {
  private static final Logger LOG = LoggerFactory.getLogger(VerifyRecords.class);

  /** The record kind (beside {@code BlockRecords}' 1..10; a backup applies it as a no-op). */
  public static final int KIND_VERIFY = 20;

  /** SHA-256 digest bytes. */
  public static final int DIGEST_BYTES = 32;

  /** Most regions one verify record may name (the wire's limit on an answer). */
  public static final int MAX_REGIONS = 1 << 16;

  private static final int HEADER = 24;

  private VerifyRecords() {}

  /**
   * What a verify record asks.
   *
   * @param digests the primary's digest of each region, in order
   */
  public record Request(long offset, long length, int regionBytes, List<byte[]> digests) {
    public Request {
      digests = List.copyOf(digests);
    }

    /** Regions named: the last may be shorter than {@code regionBytes}. */
    public int regionCount() {
      return Math.toIntExact((length + regionBytes - 1) / regionBytes);
    }
  }

  /** The payload of a verify record. */
  public static byte[] payload(Request r) {
    ByteBuffer b = ByteBuffer.allocate(HEADER + r.digests().size() * DIGEST_BYTES);
    b.putLong(r.offset()).putLong(r.length()).putInt(r.regionBytes()).putInt(r.digests().size());
    r.digests().forEach(b::put);
    return b.array();
  }

  /**
   * Decodes a verify record's payload, checking every field against the volume's size and the
   * limits before allocating; null when the payload is not a valid request for {@code sizeBytes}.
   */
  public static Request decode(Record record, long sizeBytes) {
    ByteBuffer p = ByteBuffer.wrap(record.payload());
    if (record.kind() != KIND_VERIFY || p.remaining() < HEADER) {
      return null;
    }
    long offset = p.getLong();
    long length = p.getLong();
    int regionBytes = p.getInt();
    int count = p.getInt();
    if (offset < 0 || length <= 0 || offset > sizeBytes - length || regionBytes < 512) {
      return null;
    }
    long expected = (length + regionBytes - 1) / regionBytes;
    if (count != expected || count > MAX_REGIONS || p.remaining() != count * DIGEST_BYTES) {
      return null;
    }
    List<byte[]> digests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] d = new byte[DIGEST_BYTES];
      p.get(d);
      digests.add(d);
    }
    return new Request(offset, length, regionBytes, digests);
  }

  /**
   * SHA-256 of each region of {@code [offset, offset + length)} of {@code volume} (the last region
   * may be short). Reads one region at a time into one buffer.
   */
  public static List<byte[]> digest(Volume volume, long offset, long length, int regionBytes)
      throws IOException {
    MessageDigest sha = sha256();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(regionBytes, length));
    List<byte[]> out = new ArrayList<>();
    for (long at = offset; at < offset + length; at += regionBytes) {
      int n = (int) Math.min(regionBytes, offset + length - at);
      buf.clear();
      volume.read(at, n, buf);
      buf.flip();
      sha.update(buf);
      out.add(sha.digest());
    }
    return out;
  }

  /**
   * A backup's answer to a verify record it just applied: its own digests of the named regions
   * (empty when the request is malformed, so the primary counts those regions unverified instead of
   * this replica fencing itself over a verify). Differences are logged here too, so the backup's
   * operator sees them without asking the primary.
   */
  public static List<byte[]> answer(Record record, Volume image) throws IOException {
    Request q = decode(record, image.sizeBytes());
    if (q == null) {
      LOG.warn("event=verify_malformed volume={} seq={}", image.name(), record.seq());
      return List.of();
    }
    List<byte[]> mine = digest(image, q.offset(), q.length(), q.regionBytes());
    int differing = 0;
    for (int i = 0; i < mine.size(); i++) {
      differing += MessageDigest.isEqual(mine.get(i), q.digests().get(i)) ? 0 : 1;
    }
    if (differing > 0) {
      LOG.warn(
          "event=verify_differs volume={} seq={} offset={} length={} differing_regions={}",
          image.name(),
          record.seq(),
          q.offset(),
          q.length(),
          differing);
    }
    return mine;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
