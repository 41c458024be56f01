package io.doppel.fs.fsck;

import io.doppel.fs.FileType;
import io.doppel.fs.store.DataFiles;
import io.doppel.fs.store.Inode;
import io.doppel.fs.store.Keys;
import io.doppel.fs.store.MetaDatabase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Offline consistency check of one export directory (the store must be closed): entries point to
 * existing inodes, link counts match entries, every inode is reachable from the root, the cookie
 * index matches the entries, data files exist and are long enough, no orphaned data files, the
 * fileid counter is ahead of every fileid, and the mutation log is contiguous.
 *
 * <p>With {@code repair}: dangling entries and stale cookies are deleted, missing cookies added,
 * link counts and parents fixed, unreachable inodes with no entry are re-attached to the root as
 * {@code lost+found.<fileid>} (never deleted: they may hold user data), short data files are
 * zero-extended, orphaned data files deleted, the counter advanced, and log records before a gap
 * dropped. A second run after a repair is clean.
 */
public final class Fsck {
  private final FsckScan scan;
  private final Path dataRoot;
  private final boolean repair;
  private final List<String> problems = new ArrayList<>();
  private final Map<Long, Inode> changed = new HashMap<>();
  private final WriteBatch batch;
  private int repaired;

  private Fsck(FsckScan scan, Path dataRoot, boolean repair, WriteBatch batch) {
    this.scan = scan;
    this.dataRoot = dataRoot;
    this.repair = repair;
    this.batch = batch;
  }

  public static FsckReport run(Path directory, boolean repair) throws IOException {
    Path metaDir = directory.resolve("meta");
    if (!Files.isDirectory(metaDir)) {
      throw new IOException(directory + " holds no export (no meta/ directory)");
    }
    try (MetaDatabase meta = MetaDatabase.open(metaDir, 0);
        WriteBatch batch = new WriteBatch()) {
      FsckScan scan = FsckScan.load(meta.db());
      Fsck f = new Fsck(scan, directory.resolve("data"), repair, batch);
      f.checkAll();
      if (repair && f.repaired > 0) {
        f.flushInodes();
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
          meta.db().write(sync, batch);
        }
      }
      return new FsckReport(scan.inodes.size(), scan.dirents.size(), f.problems, f.repaired);
    } catch (RocksDBException e) {
      throw new IOException("fsck of " + directory + " failed: " + e.getMessage(), e);
    }
  }

  private void checkAll() throws RocksDBException, IOException {
    problems.addAll(scan.undecodable);
    if (inode(scan.root) == null) {
      problems.add("root inode " + scan.root + " is missing; nothing more can be checked");
      return;
    }
    checkDanglingEntries();
    checkCookies();
    checkReachability();
    checkLinkCounts();
    checkDataFiles();
    checkCounterAndLog();
  }

  private Inode inode(long id) {
    Inode i = changed.get(id);
    return i != null ? i : scan.inodes.get(id);
  }

  private void update(Inode i) {
    changed.put(i.fileId(), i);
  }

  private void problem(String text, boolean repairable) {
    problems.add(text + (repair && repairable ? " (repaired)" : ""));
    if (repair && repairable) {
      repaired++;
    }
  }

  private void checkDanglingEntries() throws RocksDBException {
    List<FsckScan.Dirent> kept = new ArrayList<>();
    for (FsckScan.Dirent d : scan.dirents) {
      Inode dir = inode(d.dir());
      if (dir == null || !dir.isDirectory() || inode(d.fileId()) == null) {
        problem(
            "entry '" + d.name() + "' in " + d.dir() + " points to missing inode " + d.fileId(),
            true);
        if (repair) {
          batch.delete(Keys.dirent(d.dir(), d.name()));
          batch.delete(Keys.cookie(d.dir(), d.cookie()));
          scan.cookies.remove(List.of(d.dir(), d.cookie()));
        }
        continue;
      }
      kept.add(d);
    }
    scan.dirents.clear();
    scan.dirents.addAll(kept);
  }

  private void checkCookies() throws RocksDBException {
    Set<List<Long>> matched = new HashSet<>();
    for (FsckScan.Dirent d : scan.dirents) {
      List<Long> key = List.of(d.dir(), d.cookie());
      FsckScan.CookieRecord c = scan.cookies.get(key);
      if (c == null || c.fileId() != d.fileId() || !c.name().equals(d.name())) {
        problem("entry '" + d.name() + "' in " + d.dir() + " has no matching cookie", true);
        if (repair) {
          batch.put(Keys.cookie(d.dir(), d.cookie()), Keys.cookieValue(d.fileId(), d.name()));
        }
      }
      matched.add(key);
      Inode dir = inode(d.dir());
      if (d.cookie() >= dir.nextCookie()) {
        problem("cookie " + d.cookie() + " in " + d.dir() + " is beyond the next cookie", true);
        update(dir.withNextCookie(d.cookie() + 1));
      }
    }
    for (FsckScan.CookieRecord c : scan.cookies.values()) {
      if (!matched.contains(List.of(c.dir(), c.cookie()))) {
        problem("cookie " + c.cookie() + " in " + c.dir() + " has no entry", true);
        if (repair) {
          batch.delete(Keys.cookie(c.dir(), c.cookie()));
        }
      }
    }
  }

  private void checkReachability() throws RocksDBException {
    Set<Long> reached = reachable();
    Set<Long> referenced = new HashSet<>();
    for (FsckScan.Dirent d : scan.dirents) {
      referenced.add(d.fileId());
    }
    for (long id : new ArrayList<>(scan.inodes.keySet())) {
      if (reached.contains(id)) {
        continue;
      }
      if (referenced.contains(id)) {
        problem("inode " + id + " is only reachable from unreachable directories", false);
        continue;
      }
      problem("inode " + id + " is unreachable; re-attached as lost+found." + id, true);
      if (repair) {
        reattach(id);
      }
    }
  }

  private Set<Long> reachable() {
    Map<Long, List<Long>> children = new HashMap<>();
    for (FsckScan.Dirent d : scan.dirents) {
      children.computeIfAbsent(d.dir(), k -> new ArrayList<>()).add(d.fileId());
    }
    Set<Long> reached = new HashSet<>();
    ArrayDeque<Long> todo = new ArrayDeque<>(List.of(scan.root));
    while (!todo.isEmpty()) {
      long id = todo.poll();
      if (reached.add(id)) {
        todo.addAll(children.getOrDefault(id, List.of()));
      }
    }
    return reached;
  }

  private void reattach(long id) throws RocksDBException {
    Inode root = inode(scan.root);
    long cookie = root.nextCookie();
    String name = "lost+found." + id;
    batch.put(Keys.dirent(scan.root, name), Keys.direntValue(id, cookie));
    batch.put(Keys.cookie(scan.root, cookie), Keys.cookieValue(id, name));
    update(root.withNextCookie(cookie + 1));
    scan.dirents.add(new FsckScan.Dirent(scan.root, name, id, cookie));
  }

  private void checkLinkCounts() {
    Map<Long, Integer> names = new HashMap<>();
    Map<Long, Integer> subdirs = new HashMap<>();
    Map<Long, Long> parents = new HashMap<>();
    for (FsckScan.Dirent d : scan.dirents) {
      names.merge(d.fileId(), 1, Integer::sum);
      if (inode(d.fileId()).isDirectory()) {
        subdirs.merge(d.dir(), 1, Integer::sum);
        parents.put(d.fileId(), d.dir());
      }
    }
    for (long id : scan.inodes.keySet()) {
      Inode i = inode(id);
      int expected = i.isDirectory() ? 2 + subdirs.getOrDefault(id, 0) : names.getOrDefault(id, 0);
      if (i.attributes().nlink() != expected) {
        problem(
            "inode " + id + " has nlink " + i.attributes().nlink() + ", expected " + expected,
            true);
        update(i.withNlink(expected));
      }
      if (i.isDirectory() && id != scan.root) {
        if (names.getOrDefault(id, 0) > 1) {
          problem("directory " + id + " has " + names.get(id) + " names", false);
        }
        long parent = parents.getOrDefault(id, i.parent());
        if (i.parent() != parent) {
          problem("directory " + id + " has parent " + i.parent() + ", expected " + parent, true);
          update(inode(id).withParent(parent));
        }
      }
    }
  }

  private void checkDataFiles() throws IOException {
    for (Inode i : scan.inodes.values()) {
      if (i.type() != FileType.REGULAR) {
        continue;
      }
      Path p = DataFiles.path(dataRoot, i.fileId());
      long size = i.attributes().size();
      long length = Files.exists(p) ? Files.size(p) : -1;
      if (length < size) {
        problem("data file of " + i.fileId() + (length < 0 ? " is missing" : " is short"), true);
        if (repair) {
          extend(p, size);
        }
      }
    }
    if (!Files.isDirectory(dataRoot)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dataRoot)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        long id = DataFiles.fileIdOf(p);
        Inode i = id < 0 ? null : scan.inodes.get(id);
        if (i == null || i.type() != FileType.REGULAR) {
          problem("data file " + dataRoot.relativize(p) + " belongs to no file", true);
          if (repair) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  private static void extend(Path p, long size) throws IOException {
    Files.createDirectories(p.getParent());
    try (FileChannel ch =
        FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      if (size > 0 && ch.size() < size) {
        ch.write(ByteBuffer.allocate(1), size - 1);
      }
      ch.force(true);
    }
  }

  private void checkCounterAndLog() throws RocksDBException {
    long max = scan.inodes.isEmpty() ? 0 : ((java.util.TreeMap<Long, Inode>) scan.inodes).lastKey();
    if (scan.nextFileId <= max) {
      problem("next fileid " + scan.nextFileId + " is not above fileid " + max, true);
      if (repair) {
        batch.put(Keys.META_NEXT_FILEID, Keys.longValue(max + 1));
      }
    }
    List<Long> seqs = scan.logSeqs;
    for (int k = 1; k < seqs.size(); k++) {
      if (seqs.get(k) != seqs.get(k - 1) + 1) {
        problem("mutation log jumps from " + seqs.get(k - 1) + " to " + seqs.get(k), true);
        if (repair) {
          batch.deleteRange(Keys.log(seqs.get(0)), Keys.log(seqs.get(k)));
        }
      }
    }
    if (!seqs.isEmpty() && seqs.get(seqs.size() - 1) != scan.lastSeq) {
      problem(
          "mutation log ends at "
              + seqs.get(seqs.size() - 1)
              + " but the last applied sequence is "
              + scan.lastSeq,
          false);
    }
  }

  private void flushInodes() throws RocksDBException {
    for (Inode i : changed.values()) {
      batch.put(Keys.inode(i.fileId()), i.encode());
    }
  }
}
