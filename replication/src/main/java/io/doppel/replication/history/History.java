package io.doppel.replication.history;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A resource's generation history on one node (REPLICATION.md "Who is newer"): the epochs it has
 * applied records in, each with the first seq of that epoch, and the last seq it holds. It replaces
 * seed 001's timestamps without trusting clocks. Immutable; the front end persists {@link
 * #encode()} atomically with the data it describes.
 */
public record History(List<Generation> generations, long lastSeq) {

  /** Upper bound on generations accepted from the wire (each failover adds one). */
  public static final int MAX_GENERATIONS = 4096;

  /** An epoch and the first seq applied in it. */
  public record Generation(long epoch, long firstSeq) {}

  public static final History EMPTY = new History(List.of(), 0);

  public History {
    generations = List.copyOf(generations);
    long prevEpoch = -1;
    long prevSeq = 0;
    for (Generation g : generations) {
      if (g.epoch() <= prevEpoch || g.firstSeq() <= prevSeq || g.firstSeq() > lastSeq) {
        throw new IllegalArgumentException(
            "generations must ascend within lastSeq: " + generations);
      }
      prevEpoch = g.epoch();
      prevSeq = g.firstSeq();
    }
    if (lastSeq < 0 || (lastSeq > 0 && generations.isEmpty())) {
      throw new IllegalArgumentException("lastSeq " + lastSeq + " without generations");
    }
  }

  /** The epoch of the newest generation, or 0 when empty. */
  public long lastEpoch() {
    return generations.isEmpty() ? 0 : generations.get(generations.size() - 1).epoch();
  }

  /** The epoch {@code seq} was written in, or -1 when {@code seq} is outside this history. */
  public long epochOf(long seq) {
    if (seq < 1 || seq > lastSeq) {
      return -1;
    }
    long epoch = -1;
    for (Generation g : generations) {
      if (g.firstSeq() > seq) {
        break;
      }
      epoch = g.epoch();
    }
    return epoch;
  }

  /**
   * This history after applying record {@code seq} of {@code epoch}; seq must be {@code lastSeq +
   * 1} and epoch must not go back.
   */
  public History append(long epoch, long seq) {
    if (seq != lastSeq + 1 || epoch < lastEpoch()) {
      throw new IllegalArgumentException("cannot append e" + epoch + " s" + seq + " to " + this);
    }
    if (epoch == lastEpoch() && !generations.isEmpty()) {
      return new History(generations, seq);
    }
    List<Generation> next = new ArrayList<>(generations);
    next.add(new Generation(epoch, seq));
    return new History(next, seq);
  }

  /** This history cut at {@code seq} (records after it dropped). */
  public History truncate(long seq) {
    if (seq >= lastSeq) {
      return this;
    }
    List<Generation> kept = new ArrayList<>();
    for (Generation g : generations) {
      if (g.firstSeq() <= seq) {
        kept.add(g);
      }
    }
    return new History(kept, Math.max(seq, 0));
  }

  /** Bytes {@link #encode()} produces. */
  public int encodedSize() {
    return 4 + generations.size() * 16 + 8;
  }

  /** Writes the history into {@code out}. */
  public void encodeTo(ByteBuffer out) {
    out.putInt(generations.size());
    for (Generation g : generations) {
      out.putLong(g.epoch()).putLong(g.firstSeq());
    }
    out.putLong(lastSeq);
  }

  /** The persisted form: count, (epoch, firstSeq)*, lastSeq, big-endian. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(encodedSize());
    encodeTo(out);
    return out.array();
  }

  /** Reads a history; throws {@link IllegalArgumentException} on malformed or hostile input. */
  public static History decode(ByteBuffer in) {
    if (in.remaining() < 12) {
      throw new IllegalArgumentException("history truncated");
    }
    int count = in.getInt();
    if (count < 0 || count > MAX_GENERATIONS || in.remaining() < count * 16L + 8) {
      throw new IllegalArgumentException("history generation count " + count + " out of range");
    }
    List<Generation> gens = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      gens.add(new Generation(in.getLong(), in.getLong()));
    }
    return new History(gens, in.getLong());
  }

  public static History decode(byte[] bytes) {
    return decode(ByteBuffer.wrap(bytes));
  }
}
