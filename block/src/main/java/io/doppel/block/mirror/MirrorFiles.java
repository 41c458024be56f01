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
