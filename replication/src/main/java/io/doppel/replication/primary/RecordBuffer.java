package io.doppel.replication.primary;

import io.doppel.replication.wire.Record;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The primary's recent records, from the oldest one some IN_SYNC replica has not made durable to
 * the newest: what a pipelined send retransmits. Bounded by the window, because offers wait when it
 * is full. One thread only.
 */
final class RecordBuffer {
  private final ArrayDeque<Record> records = new ArrayDeque<>();
  private long bytes;

  void add(Record r) {
    records.addLast(r);
    bytes += r.sizeBytes();
  }

  /** Drops records up to and including {@code seq}. */
  void trimThrough(long seq) {
    while (!records.isEmpty() && records.peekFirst().seq() <= seq) {
      bytes -= records.removeFirst().sizeBytes();
    }
  }

  boolean covers(long seq) {
    return !records.isEmpty()
        && seq >= records.peekFirst().seq()
        && seq <= records.peekLast().seq();
  }

  /** Consecutive records from {@code seq}, up to {@code maxBytes} (at least one if covered). */
  List<Record> readFrom(long seq, long maxBytes) {
    List<Record> out = new ArrayList<>();
    if (!covers(seq)) {
      return out;
    }
    long taken = 0;
    long firstSeq = records.peekFirst().seq();
    Iterator<Record> it = records.iterator();
    for (long skip = seq - firstSeq; skip > 0; skip--) {
      it.next();
    }
    while (it.hasNext()) {
      Record r = it.next();
      if (!out.isEmpty() && taken + r.sizeBytes() > maxBytes) {
        break;
      }
      out.add(r);
      taken += r.sizeBytes();
    }
    return out;
  }

  long bytes() {
    return bytes;
  }

  int size() {
    return records.size();
  }
}
