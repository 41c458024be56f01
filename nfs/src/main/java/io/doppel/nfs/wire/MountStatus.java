package io.doppel.nfs.wire;

/** mountstat3 (RFC 1813 Appendix I, §5.1.5 of the MOUNT protocol). */
public enum MountStatus {
  MNT3_OK(0),
  MNT3ERR_PERM(1),
  MNT3ERR_NOENT(2),
  MNT3ERR_IO(5),
  MNT3ERR_ACCES(13),
  MNT3ERR_NOTDIR(20),
  MNT3ERR_INVAL(22),
  MNT3ERR_NAMETOOLONG(63),
  MNT3ERR_NOTSUPP(10004),
  MNT3ERR_SERVERFAULT(10006);

  public final int code;

  MountStatus(int code) {
    this.code = code;
  }
}
