package io.doppel.block.mirror;

import io.doppel.replication.history.History;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A mirrored volume's metadata beside its image {@code X.img}: {@code X.img.history} (the
 * generation history, REPLICATION.md "Who is newer"), {@code X.img.epoch} (the highest epoch this
 * node took as primary), {@code X.img.dirtymap} (the primary's write-intent bitmap) and {@code
 * X.img.inconsistent} (a copy is in progress). Small files are replaced atomically: temp file,
 * fsync, rename, fsync of the directory; each carries a CRC32C so a torn file is detected.
 */
public final class MirrorFiles {
  private final Path image;

  public MirrorFiles(Path image) {
    this.image = image.toAbsolutePath();
  }

  public Path dirtyMap() {
    return sibling(".dirtymap");
  }

  Path historyFile() {
    return sibling(".history");
  }

  Path epochFile() {
    return sibling(".epoch");
  }

  Path seqFloorFile() {
    return sibling(".seqfloor");
  }

  Path degradedFile() {
    return sibling(".degraded");
  }

  Path inconsistentFile() {
    return sibling(".inconsistent");
  }

  private Path sibling(String suffix) {
    return image.resolveSibling(image.getFileName() + suffix);
  }

  /** The persisted history, or {@link History#EMPTY} when none was written yet. */
  public History readHistory() throws IOException {
    byte[] body = readChecked(historyFile());
    return body == null ? History.EMPTY : decode(body);
  }

  private History decode(byte[] body) throws IOException {
    try {
      return History.decode(body);
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt history " + historyFile() + ": " + e.getMessage(), e);
    }
  }

  public void writeHistory(History history) throws IOException {
    writeAtomically(historyFile(), history.encode());
  }

  /** The highest epoch this node used as primary (0 when never). */
  public long readEpoch() throws IOException {
    byte[] body = readChecked(epochFile());
    return body == null ? 0 : ByteBuffer.wrap(body).getLong();
  }

  public void writeEpoch(long epoch) throws IOException {
    writeAtomically(epochFile(), ByteBuffer.allocate(8).putLong(epoch).array());
  }

  /** The epoch this node serves in from now and the first seq it will write in it. */
  public void writeEpochStart(long epoch, long firstSeq) throws IOException {
    writeAtomically(epochFile(), ByteBuffer.allocate(16).putLong(epoch).putLong(firstSeq).array());
  }

  /** The first seq of the epoch in {@link #readEpoch()}, 0 when not recorded. */
  public long readEpochFirstSeq() throws IOException {
    byte[] body = readChecked(epochFile());
    return body == null || body.length < 16 ? 0 : ByteBuffer.wrap(body).getLong(8);
  }

  /** How far this node's seqs as primary may have gone ({@link #writeSeqFloor}), or 0. */
  public long readSeqFloor() throws IOException {
    byte[] body = readChecked(seqFloorFile());
    return body == null ? 0 : ByteBuffer.wrap(body).getLong();
  }

  /** Durably: as primary, no record with a seq above {@code seq} has left this node. */
  public void writeSeqFloor(long seq) throws IOException {
    writeAtomically(seqFloorFile(), ByteBuffer.allocate(8).putLong(seq).array());
  }

  /** This node is no longer the primary: its reservation says nothing about its image. */
  public void clearSeqFloor() throws IOException {
    if (Files.deleteIfExists(seqFloorFile())) {
      syncDirectory();
    }
  }

  /**
   * The history a restarting primary continues from: the persisted one (saved at flushes), reaching
   * over every seq it may have sent since ({@link #readSeqFloor}), those past its epoch's start in
   * that epoch. Only when that epoch is the newest this image has seen; otherwise the persisted
   * history as is.
   */
  public History servedHistory(History persisted) throws IOException {
    long floor = readSeqFloor();
    long epoch = readEpoch();
    long first = readEpochFirstSeq();
    if (floor <= persisted.lastSeq() || epoch < persisted.lastEpoch()) {
      return persisted;
    }
    java.util.List<History.Generation> gens = new java.util.ArrayList<>(persisted.generations());
    if (epoch > persisted.lastEpoch() && first > persisted.lastSeq() && first <= floor) {
      gens.add(new History.Generation(epoch, first));
    }
    return gens.isEmpty() ? persisted : new History(gens, floor);
  }

  /**
   * The replicas this node, as primary, last served without (not in sync), or empty when every
   * replica was in sync. Written before a write is acknowledged without a replica.
   */
  public java.util.List<String> readDegraded() throws IOException {
    byte[] body = readChecked(degradedFile());
    if (body == null || body.length == 0) {
      return java.util.List.of();
    }
    return java.util.List.of(new String(body, java.nio.charset.StandardCharsets.UTF_8).split("\n"));
  }

  public void writeDegraded(java.util.Collection<String> replicas) throws IOException {
    if (replicas.isEmpty()) {
      if (Files.deleteIfExists(degradedFile())) {
        syncDirectory();
      }
      return;
    }
    writeAtomically(
        degradedFile(),
        String.join("\n", replicas).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public boolean inconsistent() {
    return Files.exists(inconsistentFile());
  }

  public void markInconsistent() throws IOException {
    writeAtomically(inconsistentFile(), new byte[0]);
  }

  public void clearInconsistent() throws IOException {
    if (Files.deleteIfExists(inconsistentFile())) {
      syncDirectory();
    }
  }

  private byte[] readChecked(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    if (b.remaining() < 4) {
      throw new IOException("truncated metadata file " + file);
    }
    byte[] body = new byte[b.remaining() - 4];
    b.get(body);
    if (b.getInt() != crc(body)) {
      throw new IOException("checksum mismatch in " + file);
    }
    return body;
  }

  private void writeAtomically(Path file, byte[] body) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    ByteBuffer b = ByteBuffer.allocate(body.length + 4).put(body).putInt(crc(body)).flip();
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory();
  }

  private void syncDirectory() throws IOException {
    try (FileChannel dir = FileChannel.open(image.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  private static int crc(byte[] body) {
    CRC32C c = new CRC32C();
    c.update(body);
    return (int) c.getValue();
  }
}
