package io.doppel.fs.store;

import io.doppel.fs.DirEntry;
import io.doppel.fs.DirPage;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * READDIR / READDIRPLUS (RFC 1813 §3.3.16, §3.3.17) over the cookie index {@code 'c' dirid cookie}.
 * Cookies are assigned when an entry is created and never reused, so a cookie stays meaningful
 * across removals, restarts and failovers. Stored entries start at cookie 3: "." and ".." are not
 * stored, and cookies 1 and 2 (continuing from the beginning) are left to the NFS layer to
 * synthesise them.
 */
final class DirectoryReader {
  private final RocksDB db;
  private final MetadataReader reader;

  DirectoryReader(RocksDB db, MetadataReader reader) {
    this.db = db;
    this.reader = reader;
  }

  /** Stable: cookies never change meaning, so the verifier only names the directory. */
  static long verifier(Inode dir) {
    return (dir.fileId() << 32) ^ (dir.attributes().generation() & 0xffffffffL);
  }

  DirPage page(Inode dir, long cookie, int maxEntries, boolean withAttributes)
      throws FsException, IOException {
    if (cookie < 0 || cookie >= dir.nextCookie()) {
      throw new FsException(FsStatus.BAD_COOKIE, "cookie " + cookie + " was never issued");
    }
    if (maxEntries < 1) {
      throw new FsException(FsStatus.TOOSMALL, "room for no entry");
    }
    long dirId = dir.fileId();
    List<DirEntry> entries = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    boolean eof;
    byte[] upper = Keys.cookie(dirId, Long.MAX_VALUE);
    try (Slice bound = new Slice(upper);
        ReadOptions ro = new ReadOptions().setIterateUpperBound(bound);
        RocksIterator it = db.newIterator(ro)) {
      it.seek(Keys.cookie(dirId, Math.max(cookie + 1, Inode.FIRST_COOKIE)));
      while (it.isValid() && entries.size() < maxEntries) {
        byte[] v = it.value();
        long fileId = ByteBuffer.wrap(v).getLong();
        ids.add(fileId);
        entries.add(new DirEntry(Keys.cookieName(v), fileId, Keys.second(it.key()), null));
        it.next();
      }
      eof = !it.isValid();
    }
    if (withAttributes && !entries.isEmpty()) {
      // one multi-get for the page instead of a point lookup per entry
      List<Inode> children = reader.inodes(ids);
      for (int k = 0; k < entries.size(); k++) {
        Inode child = children.get(k);
        DirEntry e = entries.get(k);
        if (child != null) {
          entries.set(k, new DirEntry(e.name(), e.fileId(), e.cookie(), child.attributes()));
        }
      }
    }
    return new DirPage(entries, eof, dir.attributes());
  }
}
