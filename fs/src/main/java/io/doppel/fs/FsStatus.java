package io.doppel.fs;

/**
 * Why a filesystem operation failed. One constant per nfsstat3 the storage engine can produce (RFC
 * 1813 §2.6); the NFS layer maps them in one place.
 */
public enum FsStatus {
  /** Not owner (EPERM). */
  PERM,
  /** No such file or directory. */
  NOENT,
  /** Hard I/O error. */
  IO,
  /** Permission denied. */
  ACCES,
  /** File exists. */
  EXIST,
  /** Cross-device link (across exports). */
  XDEV,
  /** Not a directory. */
  NOTDIR,
  /** Is a directory. */
  ISDIR,
  /** Invalid argument (e.g. rename a directory into itself, bad type). */
  INVAL,
  /** File too large. */
  FBIG,
  /** No space left. */
  NOSPC,
  /** Read-only filesystem / export. */
  ROFS,
  /** Too many hard links. */
  MLINK,
  /** Name too long. */
  NAMETOOLONG,
  /** Directory not empty. */
  NOTEMPTY,
  /** Quota exceeded. */
  DQUOT,
  /** The inode no longer exists (fileid unknown or generation differs). */
  STALE,
  /** The handle is not one of ours (bad MAC, wrong length, unknown export). */
  BADHANDLE,
  /** SETATTR guard ctime did not match. */
  NOT_SYNC,
  /** READDIR cookie verifier or cookie is no longer valid. */
  BAD_COOKIE,
  /** Operation not supported on this object. */
  NOTSUPP,
  /** Buffer or request too small (READDIR maxcount cannot hold one entry). */
  TOOSMALL,
  /** The server failed internally. */
  SERVERFAULT,
  /** Type not supported by the server (MKNOD of an unknown type). */
  BADTYPE,
  /** Try again later (e.g. the export is not writable at this moment). */
  JUKEBOX
}
