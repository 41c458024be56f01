package io.doppel.fs.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data files of an export: one file per regular inode at {@code data/<2 hex>/<fileid hex>},
 * whose length is kept at least the inode's size so reads never hit a missing range. Open channels
 * are cached (bounded LRU); a channel in use is closed only after its last user releases it.
 */
public final class DataFiles implements AutoCloseable {
  private static final Set<StandardOpenOption> EXISTING =
      EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
  private static final Set<StandardOpenOption> CREATE =
      EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  private static final Set<StandardOpenOption> CREATE_EMPTY =
      EnumSet.of(
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.READ,
          StandardOpenOption.WRITE);
  private final Path root;

  /** Buckets known to exist: creating a file checks its directory once per bucket, not per file. */
  private final boolean[] bucketReady = new boolean[256];

  private final int maxOpen;
  private final LinkedHashMap<Long, Handle> open = new LinkedHashMap<>(64, 0.75f, true);

  public DataFiles(Path root, int maxOpen) throws IOException {
    this.root = root;
    this.maxOpen = maxOpen;
    Files.createDirectories(root);
  }

  /** Where a file's data lives. */
  public static Path path(Path dataRoot, long fileId) {
    return dataRoot.resolve(String.format("%02x", fileId & 0xff)).resolve(Long.toHexString(fileId));
  }

  /** The fileid a data file name stands for, or -1 when the name is not one of ours. */
  public static long fileIdOf(Path file) {
    try {
      return Long.parseUnsignedLong(file.getFileName().toString(), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public Path path(long fileId) {
    return path(root, fileId);
  }

  /**
   * A channel for the file, creating the file if it is missing. Only the writer (which knows the
   * inode exists) may create: a reader racing with a removal must not resurrect a data file.
   */
  public synchronized Handle acquire(long fileId) throws IOException {
    return acquire(fileId, true);
  }

  /** A channel for an existing file; NoSuchFileException when it is missing. */
  public synchronized Handle acquireExisting(long fileId) throws IOException {
    return acquire(fileId, false);
  }

  private Handle acquire(long fileId, boolean create) throws IOException {
    return acquire(fileId, create ? CREATE : EXISTING);
  }

  private Handle acquire(long fileId, Set<StandardOpenOption> options) throws IOException {
    Handle h = open.get(fileId);
    if (h == null) {
      Path p = path(fileId);
      int bucket = (int) (fileId & 0xff);
      if (options != EXISTING && !bucketReady[bucket]) {
        Files.createDirectories(p.getParent());
        bucketReady[bucket] = true;
      }
      FileChannel ch = FileChannel.open(p, options);
      h = new Handle(fileId, ch);
      open.put(fileId, h);
      evictBeyondLimit();
    }
    h.refs++;
    return h;
  }

  private void evictBeyondLimit() throws IOException {
    Iterator<Map.Entry<Long, Handle>> it = open.entrySet().iterator();
    while (open.size() > maxOpen && it.hasNext()) {
      Handle h = it.next().getValue();
      it.remove();
      h.evicted = true;
      if (h.refs == 0) {
        h.channel.close();
      }
    }
  }

  private synchronized void release(Handle h) throws IOException {
    h.refs--;
    if (h.refs == 0 && h.evicted) {
      h.channel.close();
    }
  }

  /**
   * {@code length} bytes of the file at {@code offset} as they are now, zeros beyond its end or
   * when it no longer exists (the mutation log's source for WRITE payloads, MutationLog#readFrom).
   */
  public byte[] readCurrent(long fileId, long offset, int length) throws IOException {
    byte[] out = new byte[length];
    try (Handle h = acquireExisting(fileId)) {
      ByteBuffer b = ByteBuffer.wrap(out);
      long pos = offset;
      while (b.hasRemaining()) {
        int n = h.channel.read(b, pos);
        if (n < 0) {
          break;
        }
        pos += n;
      }
    } catch (NoSuchFileException e) {
      // removed since: a later log record removes it on the reader's side too
    }
    return out;
  }

  /** Creates (or resets) a file of the given length. */
  public void create(long fileId, long length) throws IOException {
    Handle h;
    boolean fresh;
    synchronized (this) {
      fresh = !open.containsKey(fileId);
      // one open that also empties a leftover file (a crash between data and metadata)
      h = acquire(fileId, fresh ? CREATE_EMPTY : CREATE);
    }
    try (h) {
      if (!fresh) {
        h.channel.truncate(0);
      }
      if (length > 0) {
        h.setLength(length);
      }
    }
  }

  /** Deletes a file's data (the inode is gone); a missing file is fine. */
  public void delete(long fileId) throws IOException {
    synchronized (this) {
      Handle h = open.remove(fileId);
      if (h != null) {
        h.evicted = true;
        if (h.refs == 0) {
          h.channel.close();
        }
      }
    }
    try {
      Files.deleteIfExists(path(fileId));
    } catch (NoSuchFileException e) {
      // the directory is gone too: nothing to delete
    }
  }

  /** Forces every open channel (used at close). */
  @Override
  public synchronized void close() {
    List<IOException> errors = new ArrayList<>();
    for (Handle h : new HashMap<>(open).values()) {
      try {
        h.channel.close();
      } catch (IOException e) {
        errors.add(e);
      }
    }
    open.clear();
    if (!errors.isEmpty()) {
      throw new UncheckedIOException(errors.get(0));
    }
  }

  /** One user's claim on an open channel; close to release. */
  public final class Handle implements AutoCloseable {
    private final long fileId;
    private final FileChannel channel;
    private int refs;
    private boolean evicted;

    private Handle(long fileId, FileChannel channel) {
      this.fileId = fileId;
      this.channel = channel;
    }

    public FileChannel channel() {
      return channel;
    }

    public long fileId() {
      return fileId;
    }

    /**
     * Sets the length: shrinking truncates, growing writes one zero byte at the new end (a sparse
     * hole before it), because FileChannel cannot extend a file otherwise.
     */
    public void setLength(long length) throws IOException {
      long current = channel.size();
      if (length < current) {
        channel.truncate(length);
      } else if (length > current) {
        channel.write(ByteBuffer.allocate(1), length - 1);
      }
    }

    public void writeFully(ByteBuffer data, long position) throws IOException {
      long pos = position;
      while (data.hasRemaining()) {
        pos += channel.write(data, pos);
      }
    }

    @Override
    public void close() throws IOException {
      release(this);
    }
  }
}
