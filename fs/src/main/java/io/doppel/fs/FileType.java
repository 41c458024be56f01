package io.doppel.fs;

/** The kinds of inode an export holds; {@link #code} is NFSv3's ftype3 (RFC 1813 §2.6). */
public enum FileType {
  /** Regular file with data. */
  REGULAR(1),
  /** Directory. */
  DIRECTORY(2),
  /** Block device node (metadata only: major/minor). */
  BLOCK_DEVICE(3),
  /** Character device node (metadata only: major/minor). */
  CHAR_DEVICE(4),
  /** Symbolic link; its target is stored with the inode. */
  SYMLINK(5),
  /** Socket node (metadata only). */
  SOCKET(6),
  /** Named pipe (metadata only). */
  FIFO(7);

  public final int code;

  FileType(int code) {
    this.code = code;
  }

  public static FileType ofCode(int code) {
    for (FileType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("no file type with code " + code);
  }
}
