package io.doppel.replication.track;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * A persisted write-intent bitmap over fixed-size regions of a volume (REPLICATION.md, block kind;
 * DRBD's activity log and bitmap in one). A region is marked <em>before</em> the local write and
 * cleared only when every replica holds it durably, so after a crash the restarted primary knows
 * every region that may differ on some replica.
 *
 * <p>Flush batching: marking an already-dirty region costs nothing; a newly dirty region makes its
 * 4 KiB bitmap page pending, and {@link #flush()} writes the pending pages and forces them before
 * the caller issues the local write. Clears only make pages pending (lazy): losing a clear in a
 * crash only makes a later resync copy a little more. Each region remembers (in memory) the last
 * seq that wrote it, so a replica durable through seq S needs exactly the regions stamped after S.
 *
 * <p>Group commit: writers may {@link #premark} their ranges and {@link #awaitDurable} them on
 * their own threads before handing the write to the agent thread, so many writes share one force
 * and the agent never waits on the disk for them; {@link #markDurably} then finds the regions
 * already durable. The map tracks what the file holds per region ({@code durableWords}), so a
 * region cleared and re-marked while a force was in flight is never taken as durable.
 *
 * <p>File: a 4 KiB header (magic, version, region size, volume size, covered-from seq, CRC32C) then
 * the bitmap, one bit per region, little-endian within 64-bit words. Thread-safe: state changes
 * under the map's monitor, page writes and forces under a separate flush lock (one at a time).
 */
public final class DirtyMap {
  static final int PAGE_BYTES = 4096;

  /**
   * Cleared regions that may still be marked in the file before a mark forces the clears too: a
   * primary that crashes claims every region marked on disk as a possible tail and the next primary
   * copies them all, so the lazy clears stay bounded as they were when every newly dirty region
   * forced its page.
   */
  static final long MAX_STALE_BYTES = 4L << 20;

  private static final int MAGIC = 0x44504d31; // "DPM1"
  private static final int VERSION = 1;
  private static final int REGIONS_PER_PAGE = PAGE_BYTES * 8;
  private static final int HEADER_FIELDS_BYTES = 28;

  private final FileChannel channel;
  private final long volumeBytes;
  private final int regionBytes;
  private final long regionCount;
  private final long[] words;
  private final long[] durableWords;
  private final Object flushLock = new Object();
  private final long maxStaleRegions;
  private long lastStamp;
  private long staleRegions;
  private final Map<Long, Long> stamps = new HashMap<>();
  private final BitSet pendingPages = new BitSet();
  private final Set<Long> reloaded = new HashSet<>();
  private long reloadStamp;
  private boolean headerPending;
  private long coveredFromSeq;
  private long dirtyCount;
  private long flushes;

  private DirtyMap(FileChannel channel, long volumeBytes, int regionBytes) {
    if (regionBytes < 4096 || Integer.bitCount(regionBytes) != 1 || volumeBytes <= 0) {
      throw new IllegalArgumentException("region size must be a power of two >= 4 KiB");
    }
    this.channel = channel;
    this.volumeBytes = volumeBytes;
    this.regionBytes = regionBytes;
    this.regionCount = (volumeBytes + regionBytes - 1) / regionBytes;
    if (regionCount > (long) Integer.MAX_VALUE * 32) {
      throw new IllegalArgumentException("too many regions; use a larger region size");
    }
    this.words = new long[(int) ((regionCount + 63) / 64)];
    this.durableWords = new long[words.length];
    this.maxStaleRegions = Math.max(1, MAX_STALE_BYTES / regionBytes);
  }

  /** A map that is not persisted (tests, the simulation, a volume without backups). */
  public static DirtyMap volatileMap(long volumeBytes, int regionBytes) {
    return new DirtyMap(null, volumeBytes, regionBytes);
  }

  /** Creates (or overwrites) the map file of a clean volume, durably. */
  public static DirtyMap create(Path file, long volumeBytes, int regionBytes) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    DirtyMap map = new DirtyMap(ch, volumeBytes, regionBytes);
    map.headerPending = true;
    map.pendingPages.set(0, Math.max(1, map.pageCount()));
    map.flush();
    return map;
  }

  /**
   * Reloads a map after a restart. Every dirty region may differ on any replica, whatever seq it
   * holds: it stays in every replica's plan until {@link #forgetReloaded()} (all copied it), then
   * counts as written at {@code reloadStampSeq - 1}. Pass the primary's last seq + 1.
   */
  public static DirtyMap open(Path file, long reloadStampSeq) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      ByteBuffer header = ByteBuffer.allocate(40);
      readFully(ch, header, 0);
      header.flip();
      int magic = header.getInt();
      int version = header.getInt();
      int regionBytes = header.getInt();
      long volumeBytes = header.getLong();
      long covered = header.getLong();
      int crc = header.getInt();
      if (magic != MAGIC
          || version != VERSION
          || crc != headerCrc(header.array(), HEADER_FIELDS_BYTES)) {
        throw new IOException("not a dirty map or corrupt header: " + file);
      }
      DirtyMap map = new DirtyMap(ch, volumeBytes, regionBytes);
      map.coveredFromSeq = covered;
      map.loadBitmap(reloadStampSeq);
      System.arraycopy(map.words, 0, map.durableWords, 0, map.words.length);
      return map;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private void loadBitmap(long stamp) throws IOException {
    ByteBuffer bitmap = ByteBuffer.allocate(words.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, bitmap, PAGE_BYTES);
    bitmap.flip();
    for (int i = 0; i < words.length; i++) {
      words[i] = bitmap.getLong();
    }
    reloadStamp = stamp;
    for (long r = 0; r < regionCount; r++) {
      if (isDirty(r)) {
        stamps.put(r, stamp);
        reloaded.add(r);
        dirtyCount++;
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos);
      if (n < 0) {
        throw new IOException("dirty map file truncated");
      }
      pos += n;
    }
  }

  /**
   * Marks the regions of {@code [offset, offset + length)} as written by {@code seq}, in memory.
   * Returns true when a region became newly dirty: then {@link #flush()} must run before the local
   * write is issued.
   */
  public synchronized boolean mark(long offset, long length, long seq) {
    checkRange(offset, length);
    lastStamp = Math.max(lastStamp, seq);
    boolean newlyDirty = false;
    for (long r = offset / regionBytes; r <= (offset + length - 1) / regionBytes; r++) {
      stamps.merge(r, seq, Math::max);
      reloaded.remove(r);
      if (!isDirty(r)) {
        words[(int) (r >>> 6)] |= 1L << (r & 63);
        pendingPages.set((int) (r / REGIONS_PER_PAGE));
        dirtyCount++;
        newlyDirty = true;
      }
    }
    return newlyDirty;
  }

  /**
   * {@link #mark} and, unless every region of the range is already dirty in the file, {@link
   * #flush()}: call before writing. Returns whether a region became newly dirty.
   */
  public boolean markDurably(long offset, long length, long seq) throws IOException {
    boolean newlyDirty;
    boolean durable;
    synchronized (this) {
      newlyDirty = mark(offset, length, seq);
      durable = rangeDurable(offset, length) && staleRegions < maxStaleRegions;
    }
    if (!durable) {
      flush();
    }
    return newlyDirty;
  }

  /**
   * Marks the range dirty ahead of a write whose seq is not known yet (any thread), stamped with
   * the newest seq marked so far: if it is cleared before the write, the write's own {@link
   * #markDurably} marks it again. Returns whether some region of the range is not yet dirty in the
   * file (then {@link #awaitDurable} forces it).
   */
  public synchronized boolean premark(long offset, long length) {
    checkRange(offset, length);
    long stamp = Math.max(lastStamp, coveredFromSeq);
    for (long r = offset / regionBytes; r <= (offset + length - 1) / regionBytes; r++) {
      if (!isDirty(r)) {
        stamps.merge(r, stamp, Math::max);
        words[(int) (r >>> 6)] |= 1L << (r & 63);
        pendingPages.set((int) (r / REGIONS_PER_PAGE));
        dirtyCount++;
      }
    }
    return !rangeDurable(offset, length) || staleRegions >= maxStaleRegions;
  }

  /**
   * Makes the range's marks durable, sharing one force with every writer that marked meanwhile
   * (group commit): returns at once when they already are.
   */
  public void awaitDurable(long offset, long length) throws IOException {
    synchronized (flushLock) {
      synchronized (this) {
        if (rangeDurable(offset, length) && staleRegions < maxStaleRegions) {
          return;
        }
      }
      flushLocked();
    }
  }

  private boolean rangeDurable(long offset, long length) {
    if (channel == null) {
      return true;
    }
    for (long r = offset / regionBytes; r <= (offset + length - 1) / regionBytes; r++) {
      if ((durableWords[(int) (r >>> 6)] & (1L << (r & 63))) == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Clears every region whose last write is at or before {@code seq} (all replicas hold it
   * durably). Lazy: the pages are written by the next {@link #flush()}.
   */
  public synchronized void clearThrough(long seq) {
    if (seq <= coveredFromSeq) {
      return;
    }
    stamps
        .entrySet()
        .removeIf(
            e -> {
              if (e.getValue() > seq) {
                return false;
              }
              long r = e.getKey();
              reloaded.remove(r);
              words[(int) (r >>> 6)] &= ~(1L << (r & 63));
              pendingPages.set((int) (r / REGIONS_PER_PAGE));
              dirtyCount--;
              staleRegions++;
              return true;
            });
    coveredFromSeq = seq;
    headerPending = true;
  }

  /** Writes pending pages (and the header) and forces them to stable storage. */
  public void flush() throws IOException {
    synchronized (flushLock) {
      flushLocked();
    }
  }

  /**
   * One force of what is pending now. The snapshot is taken under the monitor; from that moment a
   * bit the snapshot clears no longer counts as durable, and a bit it sets counts only once forced.
   */
  private void flushLocked() throws IOException {
    BitSet pages;
    long[][] contents;
    ByteBuffer header;
    synchronized (this) {
      if (channel == null || (pendingPages.isEmpty() && !headerPending)) {
        pendingPages.clear();
        headerPending = false;
        return;
      }
      pages = (BitSet) pendingPages.clone();
      contents = new long[pages.length()][];
      for (int p = pages.nextSetBit(0); p >= 0; p = pages.nextSetBit(p + 1)) {
        contents[p] = pageWords(p);
        int first = p * (PAGE_BYTES / 8);
        for (int i = 0; i < contents[p].length; i++) {
          durableWords[first + i] &= contents[p][i];
        }
      }
      header = headerPending ? header() : null;
      pendingPages.clear();
      headerPending = false;
      staleRegions = 0;
    }
    try {
      for (int p = pages.nextSetBit(0); p >= 0; p = pages.nextSetBit(p + 1)) {
        writePage(p, contents[p]);
      }
      if (header != null) {
        channel.write(header, 0);
      }
      channel.force(false);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        pendingPages.or(pages); // written again by the next flush
        headerPending |= header != null;
      }
      throw e;
    }
    synchronized (this) {
      for (int p = pages.nextSetBit(0); p >= 0; p = pages.nextSetBit(p + 1)) {
        System.arraycopy(contents[p], 0, durableWords, p * (PAGE_BYTES / 8), contents[p].length);
      }
      flushes++;
    }
  }

  private long[] pageWords(int page) {
    int firstWord = page * (PAGE_BYTES / 8);
    return Arrays.copyOfRange(words, firstWord, Math.min(words.length, firstWord + PAGE_BYTES / 8));
  }

  private void writePage(int page, long[] content) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (long w : content) {
      buf.putLong(w);
    }
    buf.rewind();
    channel.write(buf, PAGE_BYTES + (long) page * PAGE_BYTES);
  }

  private ByteBuffer header() {
    ByteBuffer h = ByteBuffer.allocate(PAGE_BYTES);
    h.putInt(MAGIC)
        .putInt(VERSION)
        .putInt(regionBytes)
        .putLong(volumeBytes)
        .putLong(coveredFromSeq);
    h.putInt(headerCrc(h.array(), HEADER_FIELDS_BYTES));
    h.rewind();
    return h;
  }

  private static int headerCrc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  private void checkRange(long offset, long length) {
    if (offset < 0 || length <= 0 || offset > volumeBytes - length) {
      throw new IllegalArgumentException("range " + offset + "+" + length + " outside volume");
    }
  }

  public synchronized boolean isDirty(long region) {
    return (words[(int) (region >>> 6)] & (1L << (region & 63))) != 0;
  }

  /**
   * Whether any region was written after {@code seq}; with {@code includeReloaded}, regions that
   * were dirty when the map was reloaded after a crash count too, whatever their stamp.
   */
  public synchronized boolean hasDirtyAfter(long seq, boolean includeReloaded) {
    for (Map.Entry<Long, Long> e : stamps.entrySet()) {
      if (e.getValue() > seq && (includeReloaded || !reloaded.contains(e.getKey()))) {
        return true;
      }
    }
    return includeReloaded && !reloaded.isEmpty();
  }

  public boolean hasDirtyAfter(long seq) {
    return hasDirtyAfter(seq, true);
  }

  /**
   * The regions written after {@code seq}, ascending (see {@link #hasDirtyAfter(long, boolean)}).
   */
  public synchronized long[] regionsDirtyAfter(long seq, boolean includeReloaded) {
    return stamps.entrySet().stream()
        .filter(
            e ->
                includeReloaded && reloaded.contains(e.getKey())
                    || e.getValue() > seq && !reloaded.contains(e.getKey()))
        .mapToLong(Map.Entry::getKey)
        .sorted()
        .toArray();
  }

  public long[] regionsDirtyAfter(long seq) {
    return regionsDirtyAfter(seq, true);
  }

  /**
   * Every replica has copied the regions reloaded after a crash: from now on they count as written
   * just before the restart, so they clear once every replica is durable past it.
   */
  public synchronized void forgetReloaded() {
    for (long r : reloaded) {
      stamps.put(r, reloadStamp - 1);
    }
    reloaded.clear();
  }

  /** Regions reloaded dirty after a crash that some replica may still lack. */
  public synchronized int reloadedRegionCount() {
    return reloaded.size();
  }

  /** Every dirty region, ascending. */
  public synchronized long[] dirtyRegions() {
    long[] all = stamps.keySet().stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(all);
    return all;
  }

  /** Bytes of the dirty regions (the last region counted only up to the volume's end). */
  public long dirtyBytes() {
    return bytesOf(dirtyRegions());
  }

  /** Bytes of the regions written after {@code seq}, reloaded ones included. */
  public long dirtyBytesAfter(long seq) {
    return bytesOf(regionsDirtyAfter(seq, true));
  }

  private long bytesOf(long[] regions) {
    long total = 0;
    for (long r : regions) {
      total += Math.min(regionBytes, volumeBytes - r * regionBytes);
    }
    return total;
  }

  public synchronized long dirtyRegionCount() {
    return dirtyCount;
  }

  /** Changes after this seq are all tracked; a replica durable before it needs a full copy. */
  public synchronized long coveredFromSeq() {
    return coveredFromSeq;
  }

  public int regionBytes() {
    return regionBytes;
  }

  public long volumeBytes() {
    return volumeBytes;
  }

  public long regionCount() {
    return regionCount;
  }

  /** How many times pages were forced (mark batching efficiency). */
  public synchronized long flushCount() {
    return flushes;
  }

  /** Flushes and closes the file. */
  public void close() throws IOException {
    if (channel != null) {
      flush();
      channel.close();
    }
  }

  private int pageCount() {
    return (int) ((words.length * 8L + PAGE_BYTES - 1) / PAGE_BYTES);
  }

  /** Unchecked wrapper for callers inside agents that turn I/O failure into a state change. */
  public void flushUnchecked() {
    try {
      flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
