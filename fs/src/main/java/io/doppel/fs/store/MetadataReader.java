package io.doppel.fs.store;

import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/** Point reads of the metadata, shared by the store's read path and the applier. */
final class MetadataReader {
  private final RocksDB db;

  MetadataReader(RocksDB db) {
    this.db = db;
  }

  /** A directory entry's target and cookie. */
  record Entry(long fileId, long cookie) {}

  Inode inode(long fileId) throws IOException {
    byte[] v = get(Keys.inode(fileId));
    return v == null ? null : Inode.decode(v);
  }

  /** Several inodes in one RocksDB multi-get (READDIRPLUS pages); null where one is missing. */
  List<Inode> inodes(List<Long> fileIds) throws IOException {
    List<byte[]> keys = new ArrayList<>(fileIds.size());
    for (long id : fileIds) {
      keys.add(Keys.inode(id));
    }
    List<byte[]> values;
    try {
      values = db.multiGetAsList(keys);
    } catch (RocksDBException e) {
      throw new IOException("metadata read failed: " + e.getMessage(), e);
    }
    List<Inode> out = new ArrayList<>(values.size());
    for (byte[] v : values) {
      out.add(v == null ? null : Inode.decode(v));
    }
    return out;
  }

  /** The inode a reference names, or STALE. */
  Inode live(InodeRef ref) throws FsException, IOException {
    Inode i = inode(ref.fileId());
    if (i == null || i.attributes().generation() != ref.generation()) {
      throw new FsException(FsStatus.STALE, "no inode " + ref);
    }
    return i;
  }

  Entry entry(long dir, String name) throws IOException {
    byte[] v = get(Keys.dirent(dir, name));
    if (v == null) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    return new Entry(b.getLong(), b.getLong());
  }

  boolean isEmptyDirectory(long dir) {
    byte[] prefix = Keys.direntPrefix(dir);
    try (ReadOptions ro =
            new ReadOptions().setIterateUpperBound(new Slice(Keys.upperBound(prefix)));
        RocksIterator it = db.newIterator(ro)) {
      it.seek(prefix);
      return !it.isValid();
    }
  }

  long metaLong(byte[] key, long absent) throws IOException {
    byte[] v = get(key);
    return v == null ? absent : Keys.longOf(v);
  }

  private byte[] get(byte[] key) throws IOException {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new IOException("metadata read failed: " + e.getMessage(), e);
    }
  }
}
