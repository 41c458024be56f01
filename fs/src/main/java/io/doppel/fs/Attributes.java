package io.doppel.fs;

/**
 * An inode's attributes (RFC 1813 fattr3), exactly as stored: identical on every replica, times in
 * nanoseconds since the epoch, all chosen by the primary.
 *
 * @param mode permission bits and set-id/sticky bits (07777), without the type
 * @param rdevMajor device major number (device nodes only, else 0)
 * @param rdevMinor device minor number (device nodes only, else 0)
 * @param usedBytes bytes of storage the file uses
 */
public record Attributes(
    FileType type,
    int mode,
    int nlink,
    int uid,
    int gid,
    long size,
    long usedBytes,
    int rdevMajor,
    int rdevMinor,
    long fileId,
    int generation,
    long atimeNanos,
    long mtimeNanos,
    long ctimeNanos) {

  public InodeRef ref() {
    return new InodeRef(fileId, generation);
  }
}
