package io.doppel.it.client;

import java.io.IOException;

/** fattr3 (RFC 1813 section 2.6), the fields tests look at. */
public record Fattr(
    int type,
    int mode,
    int nlink,
    int uid,
    int gid,
    long size,
    long used,
    long fsid,
    long fileid,
    long mtimeSec,
    int mtimeNsec,
    long ctimeSec,
    int ctimeNsec) {

  static Fattr decode(XdrIn x) throws IOException {
    int type = x.u32();
    int mode = x.u32();
    int nlink = x.u32();
    int uid = x.u32();
    int gid = x.u32();
    long size = x.u64();
    long used = x.u64();
    x.u32();
    x.u32();
    long fsid = x.u64();
    long fileid = x.u64();
    x.u32();
    x.u32();
    long ms = x.u32() & 0xffffffffL;
    int mn = x.u32();
    long cs = x.u32() & 0xffffffffL;
    int cn = x.u32();
    return new Fattr(type, mode, nlink, uid, gid, size, used, fsid, fileid, ms, mn, cs, cn);
  }

  /** post_op_attr: optional fattr3. */
  static Fattr postOp(XdrIn x) throws IOException {
    return x.bool() ? decode(x) : null;
  }

  /** wcc_data: pre_op_attr (skipped) then post_op_attr. */
  static Fattr wcc(XdrIn x) throws IOException {
    if (x.bool()) {
      x.u64();
      x.u64();
      x.u64();
    }
    return postOp(x);
  }
}
