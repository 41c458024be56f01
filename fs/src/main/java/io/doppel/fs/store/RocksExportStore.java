package io.doppel.fs.store;

import io.doppel.fs.Attributes;
import io.doppel.fs.Caller;
import io.doppel.fs.CreateMode;
import io.doppel.fs.DirPage;
import io.doppel.fs.ExportStore;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStats;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.fs.ReadSink;
import io.doppel.fs.Results;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.Stability;
import io.doppel.fs.mutation.LoggedMutation;
import io.doppel.fs.mutation.Mutation;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An export stored in one directory: metadata in a RocksDB database ({@code meta/}, layout in
 * {@link Keys}), file data in one file per regular inode ({@code data/}).
 *
 * <p>Reads run concurrently on the callers' threads. State changes take the export's writer lock,
 * are validated by the planners, become a {@link Mutation} and go through the one {@link
 * MutationApplier}; durability (data {@code force} then a group-committed WAL sync) happens after
 * the lock is released so concurrent requests share syncs. Namespace changes, FILE_SYNC/DATA_SYNC
 * writes and COMMIT are durable before they return; UNSTABLE writes sit in the page cache (RFC 1813
 * §3.3.7); every other change, SETATTR included, is synced before its reply as NFSv3 requires.
 * atime is never updated by READ (the export behaves as mounted noatime), so reads never create
 * mutations.
 */
public final class RocksExportStore implements ExportStore {
  private static final Logger LOG = LoggerFactory.getLogger(RocksExportStore.class);
  private static final int MAX_OPEN_FILES = 256;

  private final Path directory;
  private final int exportId;
  private final MetaDatabase meta;
  private final DataFiles data;
  private final MetadataReader reader;
  private final MutationLog log;
  private final MutationApplier applier;
  private final WalSyncer syncer;
  private final StoreStats stats;
  private final MetricRegistry metrics;
  private final WriteContext ctx;
  private final AttributePlanner attributes;
  private final NamespacePlanner namespace;
  private final RenamePlanner renames;
  private final DirectoryReader directories;
  private final ReentrantLock writer = new ReentrantLock();
  private volatile boolean failed;
  private volatile boolean closed;

  private RocksExportStore(
      Path directory,
      int exportId,
      StoreOptions options,
      InstantSource clock,
      RandomGenerator random,
      MetricRegistry metrics)
      throws IOException {
    this.directory = directory;
    this.exportId = exportId;
    this.metrics = metrics;
    this.meta = MetaDatabase.open(directory.resolve("meta"), exportId);
    try {
      this.data = new DataFiles(directory.resolve("data"), MAX_OPEN_FILES);
      this.reader = new MetadataReader(meta.db());
      this.log = MutationLog.load(meta.db(), options, data::readCurrent);
      MutationApplier[] ap = new MutationApplier[1];
      this.stats =
          new StoreStats(metrics, exportId, log::bytes, log::records, () -> ap[0].lastApplied());
      this.applier = new MutationApplier(meta.db(), reader, data, log, stats);
      ap[0] = applier;
      this.syncer =
          new WalSyncer(meta.db(), applier::lastApplied, stats.walSyncs::increment, writer, clock);
    } catch (IOException | RuntimeException e) {
      meta.close();
      throw e;
    }
    this.ctx = new WriteContext(reader, applier, clock, random);
    this.attributes = new AttributePlanner(ctx);
    this.namespace = new NamespacePlanner(ctx, attributes);
    this.renames = new RenamePlanner(ctx);
    this.directories = new DirectoryReader(meta.db(), reader);
  }

  /** Opens (creating on first use) the export stored in {@code directory}. */
  public static RocksExportStore open(
      Path directory,
      int exportId,
      StoreOptions options,
      InstantSource clock,
      RandomGenerator random,
      MetricRegistry metrics)
      throws IOException {
    RocksExportStore s = openReplica(directory, exportId, options, clock, random, metrics);
    try {
      s.bootstrap();
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /**
   * Opens the export without creating its root: a replica that will receive every mutation,
   * including {@link Mutation.CreateRoot}, from its primary through {@link #applyReplicated}.
   */
  public static RocksExportStore openReplica(
      Path directory,
      int exportId,
      StoreOptions options,
      InstantSource clock,
      RandomGenerator random,
      MetricRegistry metrics)
      throws IOException {
    Files.createDirectories(directory);
    RocksExportStore s = new RocksExportStore(directory, exportId, options, clock, random, metrics);
    LOG.info(
        "event=export_opened export={} directory={} last_seq={}",
        exportId,
        directory,
        s.applier.lastApplied());
    return s;
  }

  /** The root is the export's first mutation, chosen by the primary like any other inode. */
  private void bootstrap() throws IOException {
    if (applier.rootId() != 0) {
      return;
    }
    writer.lock();
    try {
      long fileId = Math.max(1, applier.nextFileId());
      ctx.apply(new Mutation.CreateRoot(fileId, ctx.newGeneration(), ctx.now()));
    } finally {
      writer.unlock();
    }
    syncThrough(applier.lastApplied());
  }

  @Override
  public InodeRef root() {
    try {
      Inode r = reader.inode(applier.rootId());
      if (r == null) {
        throw new IllegalStateException("export " + exportId + " has no root yet");
      }
      return r.attributes().ref();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the root of export " + exportId, e);
    }
  }

  @Override
  public Attributes getAttributes(InodeRef ref) throws FsException {
    return reading(() -> reader.live(ref).attributes());
  }

  @Override
  public Results.Lookup lookup(Caller caller, InodeRef dirRef, String name) throws FsException {
    return reading(
        () -> {
          Inode dir = ctx.directory(dirRef);
          Permissions.require(caller, dir.attributes(), Permissions.EXECUTE);
          Inode child;
          if (name.equals(".")) {
            child = dir;
          } else if (name.equals("..")) {
            child = ctx.existing(dir.parent());
          } else {
            Names.checkSyntax(name);
            MetadataReader.Entry e = reader.entry(dir.fileId(), name);
            if (e == null) {
              throw new FsException(FsStatus.NOENT, "no entry " + name);
            }
            child = ctx.existing(e.fileId());
          }
          return new Results.Lookup(child.attributes().ref(), child.attributes(), dir.attributes());
        });
  }

  @Override
  public int access(Caller caller, InodeRef ref, int requestedBits) throws FsException {
    return reading(() -> Permissions.access(caller, reader.live(ref).attributes(), requestedBits));
  }

  @Override
  public Results.Link readLink(InodeRef ref) throws FsException {
    return reading(
        () -> {
          Inode i = reader.live(ref);
          if (i.type() != FileType.SYMLINK) {
            throw new FsException(FsStatus.INVAL, "not a symlink");
          }
          return new Results.Link(i.symlinkTarget(), i.attributes());
        });
  }

  @Override
  public Results.Read read(Caller caller, InodeRef ref, long offset, int count, ReadSink sink)
      throws FsException {
    return reading(
        () -> {
          Attributes a = reader.live(ref).attributes();
          if (a.type() != FileType.REGULAR) {
            throw new FsException(
                a.type() == FileType.DIRECTORY ? FsStatus.ISDIR : FsStatus.INVAL,
                "read of a " + a.type());
          }
          Permissions.requireData(caller, a, Permissions.READ);
          if (offset < 0 || count < 0) {
            throw new FsException(FsStatus.INVAL, "negative offset or count");
          }
          int n = (int) Math.max(0, Math.min(count, a.size() - offset));
          try (DataFiles.Handle h = dataForRead(a, offset + n)) {
            sink.accept(h.channel(), offset, n);
          }
          return new Results.Read(n, offset + n >= a.size(), a);
        });
  }

  /**
   * The data file for a read that needs {@code end} bytes. A file that is missing or shorter than
   * its size (an OS crash lost its growth) is zero-extended under the writer lock; a file removed
   * meanwhile is STALE.
   */
  private DataFiles.Handle dataForRead(Attributes a, long end) throws FsException, IOException {
    try {
      DataFiles.Handle h = data.acquireExisting(a.fileId());
      if (h.channel().size() >= end) {
        return h;
      }
      h.close();
    } catch (NoSuchFileException e) {
      // fall through to the repair
    }
    writer.lock();
    try {
      Inode i = reader.inode(a.fileId());
      if (i == null || i.attributes().generation() != a.generation()) {
        throw new FsException(FsStatus.STALE, "removed while reading");
      }
      DataFiles.Handle h = data.acquire(a.fileId());
      if (h.channel().size() < i.attributes().size()) {
        LOG.warn("event=short_data_file export={} fileid={}", exportId, a.fileId());
        h.setLength(i.attributes().size());
      }
      return h;
    } finally {
      writer.unlock();
    }
  }

  @Override
  public DirPage readDirectory(
      Caller caller, InodeRef dirRef, long cookie, int maxEntries, boolean withAttributes)
      throws FsException {
    return reading(
        () -> {
          Inode dir = ctx.directory(dirRef);
          Permissions.require(caller, dir.attributes(), Permissions.READ);
          return directories.page(dir, cookie, maxEntries, withAttributes);
        });
  }

  @Override
  public long cookieVerifier(InodeRef dirRef) throws FsException {
    Inode dir = reading(() -> ctx.directory(dirRef));
    return DirectoryReader.verifier(dir);
  }

  @Override
  public FsStats stats() throws FsException {
    try {
      FileStore fs = Files.getFileStore(directory);
      long total = 1L << 32;
      long used = Math.min(total, applier.nextFileId());
      return new FsStats(
          fs.getTotalSpace(),
          fs.getUnallocatedSpace(),
          fs.getUsableSpace(),
          total,
          total - used,
          total - used);
    } catch (IOException e) {
      stats.ioErrors.increment();
      throw new FsException(FsStatus.IO, "cannot stat the backing filesystem: " + e.getMessage());
    }
  }

  // ---- state changes ----

  @Override
  public Results.Changed setAttributes(
      Caller caller, InodeRef ref, SetAttributes change, Optional<Long> guardCtimeNanos)
      throws FsException {
    return change(true, () -> attributes.setAttributes(caller, ref, change, guardCtimeNanos));
  }

  @Override
  public Results.Write write(
      Caller caller, InodeRef ref, long offset, ByteBuffer buffer, Stability stability)
      throws FsException {
    Results.Write w = change(false, () -> attributes.write(caller, ref, offset, buffer, stability));
    if (stability != Stability.UNSTABLE && w.count() > 0) {
      forceData(ref.fileId());
      durable(applier.lastApplied());
    }
    return w;
  }

  @Override
  public Results.Changed commit(Caller caller, InodeRef ref, long offset, int count)
      throws FsException {
    Attributes a = getAttributes(ref);
    if (a.type() == FileType.REGULAR) {
      forceData(a.fileId());
    }
    durable(applier.lastApplied());
    return new Results.Changed(
        new io.doppel.fs.Wcc(io.doppel.fs.Wcc.PreAttributes.of(a), getAttributes(ref)));
  }

  @Override
  public Results.Created create(Caller caller, InodeRef dir, String name, CreateMode mode)
      throws FsException {
    return change(true, () -> namespace.create(caller, dir, name, mode));
  }

  @Override
  public Results.Created makeDirectory(
      Caller caller, InodeRef dir, String name, SetAttributes attributes) throws FsException {
    return change(true, () -> namespace.makeDirectory(caller, dir, name, attributes));
  }

  @Override
  public Results.Created makeSymlink(
      Caller caller, InodeRef dir, String name, String target, SetAttributes attributes)
      throws FsException {
    return change(true, () -> namespace.makeSymlink(caller, dir, name, target, attributes));
  }

  @Override
  public Results.Created makeNode(
      Caller caller,
      InodeRef dir,
      String name,
      FileType type,
      int rdevMajor,
      int rdevMinor,
      SetAttributes attributes)
      throws FsException {
    return change(
        true, () -> namespace.makeNode(caller, dir, name, type, rdevMajor, rdevMinor, attributes));
  }

  @Override
  public Results.Removed remove(Caller caller, InodeRef dir, String name) throws FsException {
    return change(true, () -> namespace.remove(caller, dir, name, false));
  }

  @Override
  public Results.Removed removeDirectory(Caller caller, InodeRef dir, String name)
      throws FsException {
    return change(true, () -> namespace.remove(caller, dir, name, true));
  }

  @Override
  public Results.Renamed rename(
      Caller caller, InodeRef fromDirectory, String fromName, InodeRef toDirectory, String toName)
      throws FsException {
    return change(true, () -> renames.rename(caller, fromDirectory, fromName, toDirectory, toName));
  }

  @Override
  public Results.Linked link(Caller caller, InodeRef file, InodeRef dir, String name)
      throws FsException {
    return change(true, () -> namespace.link(caller, file, dir, name));
  }

  @Override
  public long lastAppliedSequence() {
    return applier.lastApplied();
  }

  /**
   * Applies a mutation received from the primary (a replica's only way to change state); {@code
   * durable} makes it and the data it wrote stable before returning.
   */
  public void applyReplicated(LoggedMutation record, boolean durable) throws IOException {
    writer.lock();
    try {
      if (failed) {
        throw new IOException("export " + exportId + " failed earlier; refusing mutations");
      }
      applier.apply(record);
    } catch (IOException | RuntimeException e) {
      failed = true;
      stats.ioErrors.increment();
      throw e;
    } finally {
      writer.unlock();
    }
    if (durable) {
      if (record.mutation() instanceof Mutation.Write w) {
        forceDataOrThrow(w.fileId());
      }
      syncOrThrow(record.sequence());
    }
  }

  /** The mutation log, the catch-up source for replicas. */
  public MutationLog mutationLog() {
    return log;
  }

  /** This export's metrics. */
  public StoreStats storeStats() {
    return stats;
  }

  // ---- plumbing ----

  @FunctionalInterface
  private interface Work<T> {
    T run() throws FsException, IOException;
  }

  private <T> T reading(Work<T> work) throws FsException {
    if (closed) {
      throw new FsException(FsStatus.IO, "export " + exportId + " is closed");
    }
    try {
      return work.run();
    } catch (FsException e) {
      stats.refused.increment();
      throw e;
    } catch (IOException | RuntimeException e) {
      stats.ioErrors.increment();
      LOG.error("event=read_failed export={}", exportId, e);
      throw new FsException(FsStatus.IO, "read failed: " + e.getMessage());
    }
  }

  /**
   * Runs one state change under the writer lock; a failed apply fences the export (no further
   * mutations) because the data file and the metadata may disagree until fsck or resync.
   */
  private <T> T change(boolean sync, Work<T> work) throws FsException {
    long before;
    T result;
    writer.lock();
    try {
      if (failed) {
        throw new FsException(FsStatus.IO, "export " + exportId + " is fenced after an error");
      }
      before = applier.lastApplied();
      result = work.run();
    } catch (FsException e) {
      stats.refused.increment();
      throw e;
    } catch (IOException | RuntimeException e) {
      failed = true;
      stats.ioErrors.increment();
      LOG.error("event=export_fenced export={} reason=apply_failed", exportId, e);
      throw new FsException(FsStatus.IO, "apply failed: " + e.getMessage());
    } finally {
      writer.unlock();
    }
    long after = applier.lastApplied();
    if (sync && after > before) {
      durable(after);
    }
    return result;
  }

  private void durable(long seq) throws FsException {
    try {
      syncOrThrow(seq);
    } catch (IOException e) {
      stats.ioErrors.increment();
      throw new FsException(FsStatus.IO, "sync failed: " + e.getMessage());
    }
  }

  private void syncThrough(long seq) throws IOException {
    syncOrThrow(seq);
  }

  private void syncOrThrow(long seq) throws IOException {
    try {
      syncer.syncThrough(seq);
    } catch (RocksDBException e) {
      throw new IOException("WAL sync failed: " + e.getMessage(), e);
    }
  }

  private void forceData(long fileId) throws FsException {
    try {
      forceDataOrThrow(fileId);
    } catch (IOException e) {
      stats.ioErrors.increment();
      throw new FsException(FsStatus.IO, "data sync failed: " + e.getMessage());
    }
  }

  private void forceDataOrThrow(long fileId) throws IOException {
    try (DataFiles.Handle h = data.acquireExisting(fileId)) {
      h.channel().force(false);
      stats.dataSyncs.increment();
    } catch (NoSuchFileException e) {
      // removed meanwhile: nothing left to make durable
    }
  }

  @Override
  public void close() {
    writer.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      failed = true;
      try {
        data.close();
      } finally {
        meta.close();
        metrics.unregisterMatching(StoreStats.labels(exportId));
      }
    } finally {
      writer.unlock();
    }
    LOG.info("event=export_closed export={}", exportId);
  }
}
