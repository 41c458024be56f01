package io.doppel.fs.fsck;

import io.doppel.fs.store.Inode;
import io.doppel.fs.store.Keys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** Everything fsck looks at, read once from a closed export's database. */
final class FsckScan {
  /** A directory entry as stored. */
  record Dirent(long dir, String name, long fileId, long cookie) {}

  /** A cookie index record as stored. */
  record CookieRecord(long dir, long cookie, long fileId, String name) {}

  final Map<Long, Inode> inodes = new TreeMap<>();
  final List<Dirent> dirents = new ArrayList<>();
  final Map<List<Long>, CookieRecord> cookies = new HashMap<>();
  final List<Long> logSeqs = new ArrayList<>();
  final List<String> undecodable = new ArrayList<>();
  long root;
  long nextFileId;
  long lastSeq;

  static FsckScan load(RocksDB db) {
    FsckScan s = new FsckScan();
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        s.add(it.key(), it.value());
      }
    }
    return s;
  }

  private void add(byte[] k, byte[] v) {
    switch (k[0]) {
      case Keys.INODE -> {
        try {
          inodes.put(Keys.id(k), Inode.decode(v));
        } catch (RuntimeException e) {
          undecodable.add("inode " + Keys.id(k) + " cannot be decoded: " + e.getMessage());
        }
      }
      case Keys.DIRENT -> {
        ByteBuffer b = ByteBuffer.wrap(v);
        dirents.add(new Dirent(Keys.id(k), Keys.direntName(k), b.getLong(), b.getLong()));
      }
      case Keys.COOKIE -> {
        long dir = Keys.id(k);
        long cookie = Keys.second(k);
        cookies.put(
            List.of(dir, cookie),
            new CookieRecord(dir, cookie, ByteBuffer.wrap(v).getLong(), Keys.cookieName(v)));
      }
      case Keys.LOG -> logSeqs.add(Keys.id(k));
      case Keys.META -> meta(k, v);
      default -> undecodable.add("unknown key prefix " + (char) k[0]);
    }
  }

  private void meta(byte[] k, byte[] v) {
    if (java.util.Arrays.equals(k, Keys.META_ROOT)) {
      root = Keys.longOf(v);
    } else if (java.util.Arrays.equals(k, Keys.META_NEXT_FILEID)) {
      nextFileId = Keys.longOf(v);
    } else if (java.util.Arrays.equals(k, Keys.META_LAST_SEQ)) {
      lastSeq = Keys.longOf(v);
    }
  }
}
