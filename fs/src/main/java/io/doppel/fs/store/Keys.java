package io.doppel.fs.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RocksDB key layout of an export (one database per export). Numbers are big-endian so keys sort
 * numerically (fileids, cookies and sequences are non-negative).
 *
 * <ul>
 *   <li>{@code 'i' fileid} → {@link Inode} (attributes, symlink target, verifier, next cookie)
 *   <li>{@code 'd' dirid name} → fileid, cookie
 *   <li>{@code 'c' dirid cookie} → fileid, name (READDIR order)
 *   <li>{@code 'm' name} → meta values (format, export id, root, next fileid, last applied seq)
 *   <li>{@code 'l' seq} → encoded mutation (the mutation log)
 * </ul>
 */
public final class Keys {
  public static final byte INODE = 'i';
  public static final byte DIRENT = 'd';
  public static final byte COOKIE = 'c';
  public static final byte META = 'm';
  public static final byte LOG = 'l';

  public static final byte[] META_FORMAT = meta("format");
  public static final byte[] META_EXPORT = meta("export");
  public static final byte[] META_ROOT = meta("root");
  public static final byte[] META_NEXT_FILEID = meta("nextfileid");
  public static final byte[] META_LAST_SEQ = meta("lastseq");

  /** On-disk format version stored under {@link #META_FORMAT}. */
  public static final long FORMAT_VERSION = 1;

  private Keys() {}

  private static byte[] meta(String name) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] k = new byte[1 + n.length];
    k[0] = META;
    System.arraycopy(n, 0, k, 1, n.length);
    return k;
  }

  public static byte[] inode(long fileId) {
    return ByteBuffer.allocate(9).put(INODE).putLong(fileId).array();
  }

  public static byte[] dirent(long dir, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(9 + n.length).put(DIRENT).putLong(dir).put(n).array();
  }

  /** The first key of a directory's entries ({@code 'd' dirid}). */
  public static byte[] direntPrefix(long dir) {
    return ByteBuffer.allocate(9).put(DIRENT).putLong(dir).array();
  }

  public static byte[] cookie(long dir, long cookie) {
    return ByteBuffer.allocate(17).put(COOKIE).putLong(dir).putLong(cookie).array();
  }

  public static byte[] log(long seq) {
    return ByteBuffer.allocate(9).put(LOG).putLong(seq).array();
  }

  /** The fileid or directory id right after the prefix byte. */
  public static long id(byte[] key) {
    return ByteBuffer.wrap(key, 1, 8).getLong();
  }

  /** The second number of a cookie key, or the sequence of a log key. */
  public static long second(byte[] key) {
    return ByteBuffer.wrap(key, 9, 8).getLong();
  }

  public static String direntName(byte[] key) {
    return new String(key, 9, key.length - 9, StandardCharsets.UTF_8);
  }

  public static byte[] longValue(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  public static long longOf(byte[] v) {
    return ByteBuffer.wrap(v).getLong();
  }

  /** Dirent value: fileid, cookie. */
  public static byte[] direntValue(long fileId, long cookie) {
    return ByteBuffer.allocate(16).putLong(fileId).putLong(cookie).array();
  }

  /** Cookie value: fileid, name. */
  public static byte[] cookieValue(long fileId, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + n.length).putLong(fileId).put(n).array();
  }

  public static String cookieName(byte[] value) {
    return new String(value, 8, value.length - 8, StandardCharsets.UTF_8);
  }

  /** The smallest key after every key starting with {@code prefix} (an exclusive upper bound). */
  public static byte[] upperBound(byte[] prefix) {
    byte[] b = prefix.clone();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        b[i]++;
        return java.util.Arrays.copyOf(b, i + 1);
      }
    }
    throw new IllegalArgumentException("no upper bound for an all-0xff prefix");
  }
}
