package io.doppel.replication.history;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a former primary says about the tail of its last epoch when it meets the new primary as a
 * replica (REPLICATION.md "Who is newer"; DRBD's crashed-primary activity log). A primary writes
 * its own image before its replicas acknowledge, so when it crashes (or is demoted) its image may
 * hold records of its {@code epoch} that no replica received. Their regions are the ones its
 * write-intent map still marks: {@code ranges}. Such a tail was never acknowledged to a client when
 * every replica was in sync while it was written (a reply waits for every in-sync replica): then
 * the histories fork only by unacknowledged records, and the new primary copies {@code ranges}
 * (with its own changes) over the old primary instead of calling it a split brain. If some replica
 * was out of sync ({@code degradedReplicas} non-empty), the tail may hold acknowledged writes the
 * new primary lacks, and the fork stays a split brain for an operator.
 *
 * @param epoch the epoch the former primary served in
 * @param degradedReplicas replicas that were not in sync when it stopped (empty: all were)
 * @param ranges byte ranges (offset, length pairs) its image may have changed without a replica
 */
public record TailClaim(long epoch, List<String> degradedReplicas, List<Range> ranges) {
  /** Most ranges a claim may carry (each is a dirty region, merged when adjacent). */
  public static final int MAX_RANGES = 1 << 20;

  /** Most degraded replica names. */
  public static final int MAX_REPLICAS = 256;

  /** One byte range of the image. */
  public record Range(long offset, long length) {
    public Range {
      if (offset < 0 || length <= 0 || offset + length < 0) {
        throw new IllegalArgumentException("bad range " + offset + "+" + length);
      }
    }
  }

  public TailClaim {
    degradedReplicas = List.copyOf(degradedReplicas);
    ranges = List.copyOf(ranges);
    if (epoch < 1) {
      throw new IllegalArgumentException("a tail claim needs the epoch served in");
    }
    if (ranges.size() > MAX_RANGES || degradedReplicas.size() > MAX_REPLICAS) {
      throw new IllegalArgumentException("tail claim too large");
    }
  }

  /** Whether the tail can hold only unacknowledged records (every replica was in sync). */
  public boolean unacknowledgedOnly() {
    return degradedReplicas.isEmpty();
  }

  /** Bytes {@link #encodeTo} writes. */
  public int encodedSize() {
    int names = 0;
    for (String n : degradedReplicas) {
      names += 1 + n.getBytes(StandardCharsets.UTF_8).length;
    }
    return 8 + 2 + names + 4 + ranges.size() * 16;
  }

  /** {@code epoch:i64, count:u16, (len:u8, utf8)*, count:i32, (offset:i64, length:i64)*}. */
  public void encodeTo(ByteBuffer out) {
    out.putLong(epoch).putShort((short) degradedReplicas.size());
    for (String n : degradedReplicas) {
      byte[] b = n.getBytes(StandardCharsets.UTF_8);
      out.put((byte) b.length).put(b);
    }
    out.putInt(ranges.size());
    for (Range r : ranges) {
      out.putLong(r.offset()).putLong(r.length());
    }
  }

  /**
   * Reads a claim; throws {@link IllegalArgumentException} on malformed or hostile input (counts
   * are checked against the bytes present before anything is allocated).
   */
  public static TailClaim decode(ByteBuffer in) {
    if (in.remaining() < 14) {
      throw new IllegalArgumentException("tail claim truncated");
    }
    long epoch = in.getLong();
    int names = Short.toUnsignedInt(in.getShort());
    if (names > MAX_REPLICAS || names > in.remaining()) {
      throw new IllegalArgumentException("tail claim replica count " + names + " out of range");
    }
    List<String> degraded = new ArrayList<>(names);
    for (int i = 0; i < names; i++) {
      int len = Byte.toUnsignedInt(in.get());
      if (len > in.remaining()) {
        throw new IllegalArgumentException("tail claim replica name truncated");
      }
      byte[] b = new byte[len];
      in.get(b);
      degraded.add(new String(b, StandardCharsets.UTF_8));
    }
    if (in.remaining() < 4) {
      throw new IllegalArgumentException("tail claim truncated");
    }
    int count = in.getInt();
    if (count < 0 || count > MAX_RANGES || in.remaining() < count * 16L) {
      throw new IllegalArgumentException("tail claim range count " + count + " out of range");
    }
    List<Range> ranges = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ranges.add(new Range(in.getLong(), in.getLong()));
    }
    return new TailClaim(epoch, degraded, ranges);
  }

  /** Ranges for dirty regions {@code regions} (ascending) of {@code regionBytes} each, merged. */
  public static List<Range> ranges(long[] regions, int regionBytes, long volumeBytes) {
    List<Range> out = new ArrayList<>();
    long start = -1;
    long end = -1;
    for (long r : regions) {
      long off = r * regionBytes;
      long len = Math.min(regionBytes, volumeBytes - off);
      if (len <= 0) {
        continue;
      }
      if (off == end) {
        end = off + len;
        continue;
      }
      if (start >= 0) {
        out.add(new Range(start, end - start));
      }
      start = off;
      end = off + len;
    }
    if (start >= 0) {
      out.add(new Range(start, end - start));
    }
    return out;
  }
}
