package io.doppel.it.client;

/** Program, procedure and status numbers from RFC 1813 (NFSv3 and MOUNTv3). */
public final class Nfs3 {
  public static final int NFS_PROGRAM = 100003;
  public static final int MOUNT_PROGRAM = 100005;
  public static final int PORTMAP_PROGRAM = 100000;

  public static final int NULL = 0;
  public static final int GETATTR = 1;
  public static final int SETATTR = 2;
  public static final int LOOKUP = 3;
  public static final int ACCESS = 4;
  public static final int READLINK = 5;
  public static final int READ = 6;
  public static final int WRITE = 7;
  public static final int CREATE = 8;
  public static final int MKDIR = 9;
  public static final int SYMLINK = 10;
  public static final int REMOVE = 12;
  public static final int RMDIR = 13;
  public static final int RENAME = 14;
  public static final int LINK = 15;
  public static final int READDIR = 16;
  public static final int READDIRPLUS = 17;
  public static final int FSSTAT = 18;
  public static final int FSINFO = 19;
  public static final int COMMIT = 21;

  public static final int MOUNTPROC_MNT = 1;
  public static final int MOUNTPROC_UMNT = 3;

  public static final int OK = 0;
  public static final int ERR_PERM = 1;
  public static final int ERR_NOENT = 2;
  public static final int ERR_IO = 5;
  public static final int ERR_ACCES = 13;
  public static final int ERR_EXIST = 17;
  public static final int ERR_NOTDIR = 20;
  public static final int ERR_ISDIR = 21;
  public static final int ERR_INVAL = 22;
  public static final int ERR_ROFS = 30;
  public static final int ERR_NOTEMPTY = 66;
  public static final int ERR_STALE = 70;
  public static final int ERR_BADHANDLE = 10001;
  public static final int ERR_NOTSUPP = 10004;
  public static final int ERR_SERVERFAULT = 10006;

  public static final int UNSTABLE = 0;
  public static final int DATA_SYNC = 1;
  public static final int FILE_SYNC = 2;

  public static final int NF3REG = 1;
  public static final int NF3DIR = 2;
  public static final int NF3LNK = 5;

  private Nfs3() {}

  /** Human-readable name of an nfsstat3 / mountstat3 value, for assertion messages. */
  public static String statusName(int s) {
    return switch (s) {
      case OK -> "NFS3_OK";
      case ERR_PERM -> "NFS3ERR_PERM";
      case ERR_NOENT -> "NFS3ERR_NOENT";
      case ERR_IO -> "NFS3ERR_IO";
      case ERR_ACCES -> "NFS3ERR_ACCES";
      case ERR_EXIST -> "NFS3ERR_EXIST";
      case ERR_NOTDIR -> "NFS3ERR_NOTDIR";
      case ERR_ISDIR -> "NFS3ERR_ISDIR";
      case ERR_INVAL -> "NFS3ERR_INVAL";
      case ERR_ROFS -> "NFS3ERR_ROFS";
      case ERR_NOTEMPTY -> "NFS3ERR_NOTEMPTY";
      case ERR_STALE -> "NFS3ERR_STALE";
      case ERR_BADHANDLE -> "NFS3ERR_BADHANDLE";
      case ERR_NOTSUPP -> "NFS3ERR_NOTSUPP";
      case ERR_SERVERFAULT -> "NFS3ERR_SERVERFAULT";
      default -> "status " + s;
    };
  }
}
