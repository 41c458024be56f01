package io.doppel.replication.track;

import io.doppel.replication.wire.Record;
import java.util.List;

/** What {@link RecordSource#readFrom} found (mirrors the fs store's {@code LogRead}). */
public sealed interface SourceRead {
  /** Consecutive records from the requested seq (empty when it is past the end). */
  record Records(List<Record> records) implements SourceRead {
    public Records {
      records = List.copyOf(records);
    }
  }

  /** The requested seq is no longer kept: the replica needs a copy (full resync). */
  record Trimmed(long firstAvailable) implements SourceRead {}
}
