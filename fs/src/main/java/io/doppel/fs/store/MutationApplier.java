package io.doppel.fs.store;

import io.doppel.fs.Attributes;
import io.doppel.fs.FileType;
import io.doppel.fs.mutation.LoggedMutation;
import io.doppel.fs.mutation.Mutation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The one deterministic apply path (SYSTEM.md invariant 2): turns a mutation into one RocksDB
 * {@link WriteBatch} (inodes, entries, cookies, the log record and the last applied sequence,
 * atomically) plus the data-file change. It never consults a clock or randomness, so the primary
 * and every secondary reach identical states from the same mutations.
 *
 * <p>Data-file order keeps "data file length ≥ size" true across crashes: growth happens before the
 * batch commits, shrinking and deletion after. The batch is written without a WAL sync; callers
 * that need durability sync through {@link WalSyncer}. Not thread-safe: one writer per export.
 */
public final class MutationApplier {
  private final RocksDB db;
  private final MetadataReader reader;
  private final DataFiles data;
  private final MutationLog log;
  private final StoreStats stats;
  private final WriteOptions noSync = new WriteOptions();
  private volatile long lastApplied;
  private volatile long rootId;
  private long nextFileId;

  MutationApplier(
      RocksDB db, MetadataReader reader, DataFiles data, MutationLog log, StoreStats stats)
      throws IOException {
    this.db = db;
    this.reader = reader;
    this.data = data;
    this.log = log;
    this.stats = stats;
    this.lastApplied = reader.metaLong(Keys.META_LAST_SEQ, 0);
    this.rootId = reader.metaLong(Keys.META_ROOT, 0);
    this.nextFileId = reader.metaLong(Keys.META_NEXT_FILEID, 1);
  }

  public long lastApplied() {
    return lastApplied;
  }

  /** The root's fileid, 0 before {@link Mutation.CreateRoot} is applied. */
  public long rootId() {
    return rootId;
  }

  /** The fileid the primary hands out next (persisted with every create). */
  public long nextFileId() {
    return nextFileId;
  }

  /** Applies a replicated record; it must be the next in sequence. */
  public void apply(LoggedMutation record) throws IOException {
    apply(record.sequence(), record.mutation());
  }

  /** Applies {@code m} as sequence {@code seq}, which must be {@link #lastApplied()} + 1. */
  public void apply(long seq, Mutation m) throws IOException {
    if (seq != lastApplied + 1) {
      throw new IOException("mutation out of order: seq " + seq + " after " + lastApplied);
    }
    Txn t = new Txn();
    try (WriteBatch batch = t.batch) {
      switch (m) {
        case Mutation.CreateRoot r -> createRoot(t, r);
        case Mutation.Create c -> create(t, c);
        case Mutation.SetAttributes s -> setAttributes(t, s);
        case Mutation.Write w -> write(t, w);
        case Mutation.Remove r -> unlink(t, r.directory(), r.name(), false, r.timeNanos());
        case Mutation.RemoveDirectory r -> unlink(t, r.directory(), r.name(), true, r.timeNanos());
        case Mutation.Rename r -> rename(t, r);
        case Mutation.Link l -> link(t, l);
      }
      t.flush();
      log.append(batch, seq, m);
      batch.put(Keys.META_LAST_SEQ, Keys.longValue(seq));
      db.write(noSync, batch);
    } catch (RocksDBException e) {
      throw new IOException("metadata write failed: " + e.getMessage(), e);
    }
    lastApplied = seq;
    if (m instanceof Mutation.CreateRoot r) {
      rootId = r.fileId();
    }
    for (IoAction a : t.after) {
      a.run();
    }
    stats.mutation(m.kind());
  }

  private void createRoot(Txn t, Mutation.CreateRoot r) throws IOException, RocksDBException {
    if (rootId != 0 || t.get(r.fileId()) != null) {
      throw diverged("root exists");
    }
    Attributes a =
        new Attributes(
            FileType.DIRECTORY,
            0755,
            2,
            0,
            0,
            Inode.DIRECTORY_SIZE,
            Inode.DIRECTORY_SIZE,
            0,
            0,
            r.fileId(),
            r.generation(),
            r.timeNanos(),
            r.timeNanos(),
            r.timeNanos());
    t.put(new Inode(a, r.fileId(), Inode.FIRST_COOKIE, OptionalLong.empty(), ""));
    t.batch.put(Keys.META_ROOT, Keys.longValue(r.fileId()));
    t.allocated(r.fileId());
  }

  private void create(Txn t, Mutation.Create c) throws IOException, RocksDBException {
    Inode dir = directory(t, c.directory());
    if (reader.entry(c.directory(), c.name()) != null) {
      throw diverged("entry exists: " + c.name());
    }
    if (t.get(c.fileId()) != null || c.cookie() < dir.nextCookie()) {
      throw diverged("fileid or cookie reused");
    }
    boolean isDir = c.type() == FileType.DIRECTORY;
    long size =
        switch (c.type()) {
          case REGULAR -> c.size();
          case DIRECTORY -> Inode.DIRECTORY_SIZE;
          case SYMLINK ->
              c.symlinkTarget().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
          default -> 0;
        };
    Attributes a =
        new Attributes(
            c.type(),
            c.mode() & 07777,
            isDir ? 2 : 1,
            c.uid(),
            c.gid(),
            size,
            Inode.usedBytes(c.type(), size),
            c.rdevMajor(),
            c.rdevMinor(),
            c.fileId(),
            c.generation(),
            c.atimeNanos(),
            c.mtimeNanos(),
            c.timeNanos());
    t.put(
        new Inode(
            a,
            isDir ? c.directory() : 0,
            isDir ? Inode.FIRST_COOKIE : 0,
            c.verifier(),
            c.type() == FileType.SYMLINK ? c.symlinkTarget() : ""));
    addEntry(t, c.directory(), c.name(), c.fileId(), c.cookie());
    Inode d = t.get(c.directory()).touched(c.timeNanos());
    t.put(isDir ? d.withNlink(d.attributes().nlink() + 1) : d);
    t.allocated(c.fileId());
    if (c.type() == FileType.REGULAR) {
      data.create(c.fileId(), size);
    }
  }

  private void setAttributes(Txn t, Mutation.SetAttributes s) throws IOException {
    Inode i = existing(t, s.fileId());
    Attributes a = i.attributes();
    long size = a.type() == FileType.REGULAR ? s.size() : a.size();
    t.put(
        i.withAttributes(
            new Attributes(
                a.type(),
                s.mode() & 07777,
                a.nlink(),
                s.uid(),
                s.gid(),
                size,
                Inode.usedBytes(a.type(), size),
                a.rdevMajor(),
                a.rdevMinor(),
                a.fileId(),
                a.generation(),
                s.atimeNanos(),
                s.mtimeNanos(),
                s.ctimeNanos())));
    if (a.type() == FileType.REGULAR && size != a.size()) {
      resize(t, s.fileId(), a.size(), size);
    }
  }

  /** Growth before the commit (so length ≥ size always), shrinking after it. */
  private void resize(Txn t, long fileId, long oldSize, long newSize) throws IOException {
    if (newSize > oldSize) {
      try (DataFiles.Handle h = data.acquire(fileId)) {
        dropStaleTail(h, oldSize);
        h.setLength(newSize);
      }
    } else {
      t.after.add(
          () -> {
            try (DataFiles.Handle h = data.acquire(fileId)) {
              h.channel().truncate(newSize);
            }
          });
    }
  }

  /**
   * Bytes past the recorded size can exist only if a crash hit between a shrink's commit and its
   * truncate; they must read as zeros once the file grows again.
   */
  private static void dropStaleTail(DataFiles.Handle h, long size) throws IOException {
    if (h.channel().size() > size) {
      h.channel().truncate(size);
    }
  }

  private void write(Txn t, Mutation.Write w) throws IOException {
    Inode i = existing(t, w.fileId());
    if (i.type() != FileType.REGULAR) {
      throw diverged("write to a " + i.type());
    }
    long size = i.attributes().size();
    try (DataFiles.Handle h = data.acquire(w.fileId())) {
      if (w.offset() > size) {
        dropStaleTail(h, size);
      }
      h.writeFully(w.payload().duplicate(), w.offset());
    }
    long end = w.offset() + w.length();
    t.put(i.resized(Math.max(size, end), w.timeNanos()));
  }

  private void unlink(Txn t, long dirId, String name, boolean directory, long time)
      throws IOException, RocksDBException {
    directory(t, dirId);
    MetadataReader.Entry e = reader.entry(dirId, name);
    if (e == null) {
      throw diverged("no entry " + name);
    }
    Inode child = existing(t, e.fileId());
    if (child.isDirectory() != directory) {
      throw diverged("type mismatch removing " + name);
    }
    removeEntry(t, dirId, name, e);
    dropLink(t, dirId, child, time);
    t.put(t.get(dirId).touched(time));
  }

  /** One name of {@code child} in {@code dirId} is gone: drop the inode with its last link. */
  private void dropLink(Txn t, long dirId, Inode child, long time) throws IOException {
    if (child.isDirectory()) {
      if (!reader.isEmptyDirectory(child.fileId())) {
        throw diverged("directory not empty");
      }
      t.remove(child.fileId());
      Inode d = t.get(dirId);
      t.put(d.withNlink(d.attributes().nlink() - 1));
      return;
    }
    int nlink = child.attributes().nlink() - 1;
    if (nlink > 0) {
      t.put(child.withNlink(nlink).changed(time));
      return;
    }
    t.remove(child.fileId());
    if (child.type() == FileType.REGULAR) {
      long id = child.fileId();
      t.after.add(() -> data.delete(id));
    }
  }

  private void rename(Txn t, Mutation.Rename r) throws IOException, RocksDBException {
    directory(t, r.fromDirectory());
    Inode toDir = directory(t, r.toDirectory());
    MetadataReader.Entry from = reader.entry(r.fromDirectory(), r.fromName());
    if (from == null) {
      throw diverged("no entry " + r.fromName());
    }
    MetadataReader.Entry to = reader.entry(r.toDirectory(), r.toName());
    if (to != null && to.fileId() == from.fileId()) {
      return; // both names are links to one inode: POSIX says do nothing
    }
    if (r.cookie() < toDir.nextCookie()) {
      throw diverged("cookie reused");
    }
    Inode moved = existing(t, from.fileId());
    removeEntry(t, r.fromDirectory(), r.fromName(), from);
    if (to != null) {
      Inode target = existing(t, to.fileId());
      removeEntry(t, r.toDirectory(), r.toName(), to);
      dropLink(t, r.toDirectory(), target, r.timeNanos());
    }
    addEntry(t, r.toDirectory(), r.toName(), moved.fileId(), r.cookie());
    Inode m = t.get(moved.fileId()).changed(r.timeNanos());
    if (moved.isDirectory() && r.fromDirectory() != r.toDirectory()) {
      t.put(m.withParent(r.toDirectory()));
      Inode f = t.get(r.fromDirectory());
      t.put(f.withNlink(f.attributes().nlink() - 1));
      Inode d = t.get(r.toDirectory());
      t.put(d.withNlink(d.attributes().nlink() + 1));
    } else {
      t.put(m);
    }
    t.put(t.get(r.fromDirectory()).touched(r.timeNanos()));
    t.put(t.get(r.toDirectory()).touched(r.timeNanos()));
  }

  private void link(Txn t, Mutation.Link l) throws IOException, RocksDBException {
    Inode dir = directory(t, l.directory());
    Inode file = existing(t, l.fileId());
    if (file.isDirectory() || reader.entry(l.directory(), l.name()) != null) {
      throw diverged("cannot link " + l.name());
    }
    if (l.cookie() < dir.nextCookie()) {
      throw diverged("cookie reused");
    }
    addEntry(t, l.directory(), l.name(), l.fileId(), l.cookie());
    t.put(file.withNlink(file.attributes().nlink() + 1).changed(l.timeNanos()));
    t.put(t.get(l.directory()).touched(l.timeNanos()));
  }

  private void addEntry(Txn t, long dirId, String name, long fileId, long cookie)
      throws IOException, RocksDBException {
    t.batch.put(Keys.dirent(dirId, name), Keys.direntValue(fileId, cookie));
    t.batch.put(Keys.cookie(dirId, cookie), Keys.cookieValue(fileId, name));
    Inode d = t.get(dirId);
    t.put(d.withNextCookie(Math.max(d.nextCookie(), cookie + 1)));
  }

  private static void removeEntry(Txn t, long dirId, String name, MetadataReader.Entry e)
      throws RocksDBException {
    t.batch.delete(Keys.dirent(dirId, name));
    t.batch.delete(Keys.cookie(dirId, e.cookie()));
  }

  private Inode directory(Txn t, long id) throws IOException {
    Inode d = existing(t, id);
    if (!d.isDirectory()) {
      throw diverged("not a directory: " + id);
    }
    return d;
  }

  private Inode existing(Txn t, long id) throws IOException {
    Inode i = t.get(id);
    if (i == null) {
      throw diverged("no inode " + id);
    }
    return i;
  }

  private static IOException diverged(String why) {
    return new IOException("mutation does not apply to this state: " + why);
  }

  /** Work done after the batch is durable in RocksDB's write path. */
  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /** The inodes one mutation touches, read through its own changes. */
  private final class Txn {
    final WriteBatch batch = new WriteBatch();
    final Map<Long, Inode> changed = new LinkedHashMap<>();
    final Set<Long> removed = new HashSet<>();
    final List<IoAction> after = new ArrayList<>();
    long allocatedUpTo;

    Inode get(long id) throws IOException {
      if (removed.contains(id)) {
        return null;
      }
      Inode i = changed.get(id);
      return i != null ? i : reader.inode(id);
    }

    void put(Inode i) {
      removed.remove(i.fileId());
      changed.put(i.fileId(), i);
    }

    void remove(long id) {
      changed.remove(id);
      removed.add(id);
    }

    void allocated(long fileId) {
      allocatedUpTo = Math.max(allocatedUpTo, fileId + 1);
    }

    void flush() throws RocksDBException {
      for (Inode i : changed.values()) {
        batch.put(Keys.inode(i.fileId()), i.encode());
      }
      for (long id : removed) {
        batch.delete(Keys.inode(id));
      }
      if (allocatedUpTo > nextFileId) {
        nextFileId = allocatedUpTo;
        batch.put(Keys.META_NEXT_FILEID, Keys.longValue(nextFileId));
      }
    }
  }
}
