package io.doppel.replication.track;

import io.doppel.replication.wire.Record;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An in-memory record log bounded in bytes, trimmed from the oldest. Overflow past a lagging
 * replica's position means that replica needs a copy (SYSTEM.md invariant 5). One thread only.
 */
public final class BoundedRecordLog implements RecordSource {
  private final long maxBytes;
  private final ArrayDeque<Record> records = new ArrayDeque<>();
  private long bytes;
  private long lastSeq;

  public BoundedRecordLog(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    this.maxBytes = maxBytes;
  }

  /** Appends the next record (seq must follow the last one) and trims the oldest if over bound. */
  public void append(Record r) {
    if (lastSeq != 0 && r.seq() != lastSeq + 1) {
      throw new IllegalArgumentException("seq " + r.seq() + " does not follow " + lastSeq);
    }
    records.addLast(r);
    bytes += r.sizeBytes();
    lastSeq = r.seq();
    while (bytes > maxBytes && records.size() > 1) {
      bytes -= records.removeFirst().sizeBytes();
    }
  }

  /** Forgets everything (the primary restarted without its log). */
  public void clear(long nextSeq) {
    records.clear();
    bytes = 0;
    lastSeq = nextSeq - 1;
  }

  @Override
  public SourceRead readFrom(long seq, long maxReadBytes) {
    if (seq > lastSeq) {
      return new SourceRead.Records(List.of());
    }
    if (!covers(seq)) {
      return new SourceRead.Trimmed(firstSeq());
    }
    List<Record> out = new ArrayList<>();
    long taken = 0;
    for (Iterator<Record> it = records.iterator(); it.hasNext(); ) {
      Record r = it.next();
      if (r.seq() < seq) {
        continue;
      }
      if (!out.isEmpty() && taken + r.sizeBytes() > maxReadBytes) {
        break;
      }
      out.add(r);
      taken += r.sizeBytes();
    }
    return new SourceRead.Records(out);
  }

  @Override
  public boolean covers(long seq) {
    return seq > lastSeq || (!records.isEmpty() && seq >= firstSeq());
  }

  @Override
  public long bytesFrom(long seq) {
    if (seq > lastSeq || records.isEmpty()) {
      return 0;
    }
    long n = lastSeq - Math.max(seq, firstSeq()) + 1;
    return bytes * n / records.size();
  }

  /** The oldest seq kept (lastSeq + 1 when empty). */
  public long firstSeq() {
    return records.isEmpty() ? lastSeq + 1 : records.peekFirst().seq();
  }

  public long bytes() {
    return bytes;
  }
}
