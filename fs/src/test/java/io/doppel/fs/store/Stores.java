package io.doppel.fs.store;

import io.doppel.fs.Caller;
import io.doppel.fs.CreateMode;
import io.doppel.fs.DirEntry;
import io.doppel.fs.ExportStore;
import io.doppel.fs.FsException;
import io.doppel.fs.InodeRef;
import io.doppel.fs.SetAttributes;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Test helpers: stores with a manual clock and seeded randomness, and short-hand operations. */
final class Stores {
  static final Caller ROOT = Caller.ROOT;
  static final Caller ALICE = new Caller(1000, 1000, List.of());
  static final Caller BOB = new Caller(1001, 1001, List.of());

  private Stores() {}

  /** A clock that moves 1 µs per reading. */
  static InstantSource clock() {
    AtomicLong t = new AtomicLong();
    return () -> Instant.ofEpochSecond(1_700_000_000L, t.addAndGet(1000));
  }

  static RocksExportStore open(Path dir) throws IOException {
    return open(dir, StoreOptions.defaults(), new MetricRegistry());
  }

  static RocksExportStore open(Path dir, StoreOptions options, MetricRegistry metrics)
      throws IOException {
    return RocksExportStore.open(dir, 7, options, clock(), new Random(42), metrics);
  }

  static InodeRef file(ExportStore s, InodeRef dir, String name) throws FsException {
    return s.create(ROOT, dir, name, new CreateMode.Guarded(SetAttributes.NONE)).ref();
  }

  static InodeRef mkdir(ExportStore s, InodeRef dir, String name) throws FsException {
    return s.makeDirectory(ROOT, dir, name, SetAttributes.NONE).ref();
  }

  static void write(ExportStore s, InodeRef f, long offset, byte[] data) throws FsException {
    s.write(ROOT, f, offset, ByteBuffer.wrap(data), io.doppel.fs.Stability.UNSTABLE);
  }

  static byte[] read(ExportStore s, InodeRef f, long offset, int count) throws FsException {
    ByteBuffer out = ByteBuffer.allocate(count);
    s.read(
        ROOT,
        f,
        offset,
        count,
        (ch, pos, len) -> {
          ByteBuffer b = out.duplicate().limit(len);
          long p = pos;
          while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
              throw new IOException("unexpected end of data file");
            }
            p += n;
          }
          out.position(len);
        });
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  static List<DirEntry> list(ExportStore s, InodeRef dir) throws FsException {
    List<DirEntry> all = new ArrayList<>();
    long cookie = 0;
    while (true) {
      var page = s.readDirectory(ROOT, dir, cookie, 3, true);
      all.addAll(page.entries());
      if (page.eof()) {
        return all;
      }
      cookie = page.entries().get(page.entries().size() - 1).cookie();
    }
  }

  static List<String> names(ExportStore s, InodeRef dir) throws FsException {
    return list(s, dir).stream().map(DirEntry::name).toList();
  }
}
