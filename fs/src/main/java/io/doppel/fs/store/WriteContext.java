package io.doppel.fs.store;

import io.doppel.fs.Attributes;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.fs.TimeChange;
import io.doppel.fs.Wcc;
import io.doppel.fs.mutation.Mutation;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.random.RandomGenerator;

/**
 * What the primary's planners share while they hold the export's writer lock: reads, the choice of
 * identifiers and times (the only place the clock and randomness are consulted), and the applier.
 */
final class WriteContext {
  /** Largest file size (ext4's limit with 4 KiB blocks, minus a block). */
  static final long MAX_FILE_SIZE = (1L << 44) - 4096;

  /** Largest link count (ext4's). */
  static final int MAX_LINKS = 65000;

  final MetadataReader reader;
  final MutationApplier applier;
  private final InstantSource clock;
  private final RandomGenerator random;
  private long lastTimeNanos;

  WriteContext(
      MetadataReader reader, MutationApplier applier, InstantSource clock, RandomGenerator random) {
    this.reader = reader;
    this.applier = applier;
    this.clock = clock;
    this.random = random;
  }

  /**
   * The time of the next mutation: the clock, but strictly increasing, so every change moves mtime
   * or ctime and clients' caches notice it even within one clock tick or across a clock step back.
   */
  long now() {
    Instant i = clock.instant();
    long nanos = i.getEpochSecond() * 1_000_000_000L + i.getNano();
    lastTimeNanos = Math.max(nanos, lastTimeNanos + 1);
    return lastTimeNanos;
  }

  static long resolve(TimeChange change, long current, long now) {
    return switch (change) {
      case TimeChange.Keep k -> current;
      case TimeChange.ServerTime s -> now;
      case TimeChange.ClientTime c -> c.nanos();
    };
  }

  int newGeneration() {
    int g;
    do {
      g = random.nextInt();
    } while (g == 0);
    return g;
  }

  long newFileId() {
    return applier.nextFileId();
  }

  /** Applies as the next sequence and returns it. */
  long apply(Mutation m) throws IOException {
    long seq = applier.lastApplied() + 1;
    applier.apply(seq, m);
    return seq;
  }

  Inode directory(InodeRef ref) throws FsException, IOException {
    Inode d = reader.live(ref);
    if (!d.isDirectory()) {
      throw new FsException(FsStatus.NOTDIR, "not a directory: " + ref);
    }
    return d;
  }

  Inode existing(long fileId) throws FsException, IOException {
    Inode i = reader.inode(fileId);
    if (i == null) {
      throw new FsException(FsStatus.IO, "entry points to missing inode " + fileId);
    }
    return i;
  }

  Attributes attributes(long fileId) throws FsException, IOException {
    return existing(fileId).attributes();
  }

  /** Wcc of an object from its attributes before and its stored attributes now. */
  Wcc wcc(Attributes before) throws FsException, IOException {
    return new Wcc(Wcc.PreAttributes.of(before), attributes(before.fileId()));
  }
}
