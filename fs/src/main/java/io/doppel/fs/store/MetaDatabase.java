package io.doppel.fs.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database of one export, with options sized for a small box (2 background jobs, a 32
 * MiB block cache, bloom filters for point lookups of inodes and entries, 16 MiB memtables). Checks
 * the on-disk format version and the export id on open.
 */
public final class MetaDatabase implements AutoCloseable {
  private static final long BLOCK_CACHE_BYTES = 32L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final LRUCache cache;
  private final BloomFilter filter;
  private final RocksDB db;

  private MetaDatabase(Options options, LRUCache cache, BloomFilter filter, RocksDB db) {
    this.options = options;
    this.cache = cache;
    this.filter = filter;
    this.db = db;
  }

  /** Opens (creating) the database; {@code exportId} 0 skips the export check (fsck). */
  public static MetaDatabase open(Path dir, int exportId) throws IOException {
    Files.createDirectories(dir);
    LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
    BloomFilter filter = new BloomFilter(10);
    BlockBasedTableConfig table =
        new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter);
    Options options =
        new Options()
            .setCreateIfMissing(true)
            .setMaxBackgroundJobs(2)
            .setKeepLogFileNum(3)
            .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
            .setWriteBufferSize(16L << 20)
            .setMaxTotalWalSize(64L << 20)
            .setTableFormatConfig(table);
    RocksDB db;
    try {
      db = RocksDB.open(options, dir.toString());
    } catch (RocksDBException e) {
      options.close();
      filter.close();
      cache.close();
      throw new IOException("cannot open metadata database " + dir + ": " + e.getMessage(), e);
    }
    MetaDatabase m = new MetaDatabase(options, cache, filter, db);
    try {
      m.checkIdentity(dir, exportId);
    } catch (IOException e) {
      m.close();
      throw e;
    }
    return m;
  }

  private void checkIdentity(Path dir, int exportId) throws IOException {
    try {
      byte[] format = db.get(Keys.META_FORMAT);
      byte[] export = db.get(Keys.META_EXPORT);
      if (format == null) {
        if (exportId == 0) {
          throw new IOException(dir + " holds no export");
        }
        try (WriteBatch b = new WriteBatch();
            WriteOptions sync = new WriteOptions().setSync(true)) {
          b.put(Keys.META_FORMAT, Keys.longValue(Keys.FORMAT_VERSION));
          b.put(Keys.META_EXPORT, Keys.longValue(exportId));
          db.write(sync, b);
        }
        return;
      }
      if (Keys.longOf(format) != Keys.FORMAT_VERSION) {
        throw new IOException(dir + " has unknown format version " + Keys.longOf(format));
      }
      if (exportId != 0 && (export == null || Keys.longOf(export) != exportId)) {
        throw new IOException(
            dir + " belongs to export " + (export == null ? "?" : Keys.longOf(export)));
      }
    } catch (RocksDBException e) {
      throw new IOException("cannot read metadata of " + dir + ": " + e.getMessage(), e);
    }
  }

  public RocksDB db() {
    return db;
  }

  @Override
  public void close() {
    db.close();
    options.close();
    filter.close();
    cache.close();
  }
}
