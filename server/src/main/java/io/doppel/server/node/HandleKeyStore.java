package io.doppel.server.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secret that authenticates file handles: {@value #KEY_BYTES} random bytes in a file of mode
 * 0600, created on first start and reused ever after (a new key would make every handle a client
 * holds STALE). Written atomically: a temporary file in the same directory, fsynced, then renamed,
 * so a crash leaves either no key or a whole one.
 */
public final class HandleKeyStore {
  public static final int KEY_BYTES = 32;
  private static final Logger LOG = LoggerFactory.getLogger(HandleKeyStore.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private HandleKeyStore() {}

  /** Reads the key in {@code file}, creating it from {@code random} when absent. */
  public static byte[] loadOrCreate(Path file, RandomGenerator random) throws IOException {
    try {
      return read(file);
    } catch (NoSuchFileException e) {
      // First start: fall through and create it.
    }
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(key);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    try {
      // Never replace an existing key: a concurrent creator that won keeps its key.
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      Files.delete(tmp);
      return read(file);
    } catch (UnsupportedOperationException | AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.deleteIfExists(tmp);
    syncDirectory(dir);
    LOG.info("event=handle_key_created file={}", file);
    return key;
  }

  private static byte[] read(Path file) throws IOException {
    byte[] key = Files.readAllBytes(file);
    if (key.length != KEY_BYTES) {
      throw new IOException(
          "handle key file "
              + file
              + ": expected "
              + KEY_BYTES
              + " bytes, got "
              + key.length
              + " (restore it from a backup; a new key makes every client's file handles stale)");
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(mode)) {
      LOG.warn(
          "event=handle_key_permissions file={} mode={} expected=rw-------",
          file,
          PosixFilePermissions.toString(mode));
    }
    return key;
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
