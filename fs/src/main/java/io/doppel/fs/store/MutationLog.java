package io.doppel.fs.store;

import io.doppel.fs.mutation.CorruptMutationException;
import io.doppel.fs.mutation.LoggedMutation;
import io.doppel.fs.mutation.Mutation;
import io.doppel.fs.mutation.MutationCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * The export's mutation log: {@code 'l' seq} → encoded mutation, written in the same batch as the
 * state it describes, bounded in bytes and records and trimmed from the oldest. It is the catch-up
 * source for replicas that fell behind (REPLICATION.md). Trimming is local: replicas may keep
 * different amounts of history; it is not part of the replicated state.
 *
 * <p>A WRITE is logged by reference (fileid, offset, length, time; {@link
 * MutationCodec#encodeLogRecord}): its payload is read back from the data file when the record is
 * read ({@link #readFrom}), so the data is written once, to the data file, not also to RocksDB's
 * WAL, memtable and SSTs. Sizes ({@link #bytes()}, the bound, {@code readFrom}'s {@code maxBytes})
 * count a reference as its record plus the payload it stands for: the bound limits how much data a
 * catch-up may have to move, as it did when payloads were stored.
 */
public final class MutationLog {
  private final RocksDB db;
  private final StoreOptions options;
  private final MutationCodec.PayloadSource payloads;
  private long firstSeq;
  private long lastSeq;
  private long bytes;
  private long records;

  private MutationLog(RocksDB db, StoreOptions options, MutationCodec.PayloadSource payloads) {
    this.db = db;
    this.options = options;
    this.payloads = payloads;
  }

  /**
   * Scans the log once to learn its extent and size; {@code payloads} reads the current data of a
   * file for WRITE records (zeros beyond its end or when it no longer exists).
   */
  public static MutationLog load(
      RocksDB db, StoreOptions options, MutationCodec.PayloadSource payloads) {
    MutationLog log = new MutationLog(db, options, payloads);
    try (ReadOptions ro = logRange();
        RocksIterator it = db.newIterator(ro)) {
      for (it.seek(new byte[] {Keys.LOG}); it.isValid(); it.next()) {
        long seq = Keys.id(it.key());
        if (log.firstSeq == 0) {
          log.firstSeq = seq;
        }
        log.lastSeq = seq;
        log.bytes += logicalBytes(it.value());
        log.records++;
      }
    }
    return log;
  }

  private static ReadOptions logRange() {
    return new ReadOptions()
        .setIterateUpperBound(new Slice(Keys.upperBound(new byte[] {Keys.LOG})));
  }

  /**
   * A record's size for the bounds: its own bytes plus the payload a WRITE reference stands for.
   */
  private static long logicalBytes(byte[] record) {
    return record.length + (long) MutationCodec.referencedBytes(record);
  }

  /**
   * Adds {@code m}'s record to {@code batch} (a WRITE by reference), and the deletion of the oldest
   * ones when over the bounds.
   */
  public synchronized void append(WriteBatch batch, long seq, Mutation m) throws RocksDBException {
    byte[] encoded = MutationCodec.encodeLogRecord(m);
    batch.put(Keys.log(seq), encoded);
    if (firstSeq == 0) {
      firstSeq = seq;
    }
    lastSeq = seq;
    bytes += logicalBytes(encoded);
    records++;
    if (bytes > options.mutationLogMaxBytes() || records > options.mutationLogMaxRecords()) {
      trim(batch, seq);
    }
  }

  /** Drops the oldest committed records until the log is at 3/4 of its bounds. */
  private void trim(WriteBatch batch, long newestSeq) throws RocksDBException {
    long targetBytes = options.mutationLogMaxBytes() / 4 * 3;
    long targetRecords = options.mutationLogMaxRecords() / 4 * 3;
    long newFirst = firstSeq;
    try (ReadOptions ro = logRange();
        RocksIterator it = db.newIterator(ro)) {
      for (it.seek(Keys.log(firstSeq));
          it.isValid() && (bytes > targetBytes || records > targetRecords);
          it.next()) {
        long seq = Keys.id(it.key());
        if (seq >= newestSeq) {
          break;
        }
        bytes -= logicalBytes(it.value());
        records--;
        newFirst = seq + 1;
      }
    }
    if (newFirst > firstSeq) {
      batch.deleteRange(Keys.log(firstSeq), Keys.log(newFirst));
      firstSeq = newFirst;
    }
  }

  /**
   * Up to {@code maxBytes} of consecutive records starting at {@code seq} (at least one when any is
   * there), or {@link LogRead.Trimmed} when {@code seq} is no longer kept.
   *
   * <p>A WRITE's payload is the file's data <em>now</em>, not when it was written: applying the
   * records in order still ends in the primary's state once the reader has caught up, because every
   * later change of those bytes is a later record (docs/storage-engine.md, "Writes by reference").
   * A data file that cannot be read is reported as {@link CorruptMutationException}.
   */
  public LogRead readFrom(long seq, long maxBytes) throws CorruptMutationException {
    long first;
    long last;
    synchronized (this) {
      first = firstSeq;
      last = lastSeq;
    }
    if (seq > last) {
      return new LogRead.Records(List.of(), seq);
    }
    if (seq < first || first == 0) {
      return new LogRead.Trimmed(first == 0 ? last + 1 : first);
    }
    List<LoggedMutation> out = new ArrayList<>();
    long expected = seq;
    long taken = 0;
    try (ReadOptions ro = logRange();
        RocksIterator it = db.newIterator(ro)) {
      for (it.seek(Keys.log(seq)); it.isValid() && expected <= last; it.next()) {
        long s = Keys.id(it.key());
        if (s != expected) {
          return new LogRead.Trimmed(s);
        }
        byte[] v = it.value();
        long size = logicalBytes(v);
        if (!out.isEmpty() && taken + size > maxBytes) {
          break;
        }
        out.add(new LoggedMutation(s, decode(s, v)));
        taken += size;
        expected++;
      }
    }
    if (out.isEmpty()) {
      return new LogRead.Trimmed(firstSequence());
    }
    return new LogRead.Records(out, expected);
  }

  private Mutation decode(long seq, byte[] record) throws CorruptMutationException {
    try {
      return MutationCodec.decodeLogRecord(record, payloads);
    } catch (IOException e) {
      CorruptMutationException c =
          new CorruptMutationException("cannot read the data of record " + seq + ": " + e);
      c.initCause(e);
      throw c;
    }
  }

  public synchronized long bytes() {
    return bytes;
  }

  public synchronized long records() {
    return records;
  }

  /** The oldest sequence still in the log (0 when the log is empty). */
  public synchronized long firstSequence() {
    return firstSeq;
  }
}
