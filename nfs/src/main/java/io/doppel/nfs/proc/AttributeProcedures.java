package io.doppel.nfs.proc;

import io.doppel.fs.Attributes;
import io.doppel.fs.ExportStore;
import io.doppel.fs.FsException;
import io.doppel.fs.Results;
import io.doppel.nfs.wire.NfsArgs.AccessArgs;
import io.doppel.nfs.wire.NfsArgs.HandleArgs;
import io.doppel.nfs.wire.NfsArgs.SetAttrArgs;
import io.doppel.nfs.wire.NfsResult;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.Transport;

/** GETATTR, SETATTR, ACCESS, FSSTAT, FSINFO, PATHCONF (RFC 1813 §3.3.1, 2, 4, 18–20). */
final class AttributeProcedures {
  /** rtmax/wtmax/rtpref/wtpref: 1 MiB, matching the WRITE decode bound. */
  static final int TRANSFER_BYTES = 1 << 20;

  /** Over UDP a reply must fit one datagram: READ and WRITE sizes are 32 KiB there. */
  static final int UDP_TRANSFER_BYTES = 32 << 10;

  /** dtpref: 64 KiB of READDIR reply. */
  static final int DIR_PREFERRED_BYTES = 64 << 10;

  /** FSF3_LINK | FSF3_SYMLINK | FSF3_HOMOGENEOUS | FSF3_CANSETTIME. */
  static final int PROPERTIES = 0x1 | 0x2 | 0x8 | 0x10;

  /** ACCESS3_MODIFY | ACCESS3_EXTEND | ACCESS3_DELETE: never granted on a read-only export. */
  static final int MODIFYING_ACCESS = 0x4 | 0x8 | 0x10;

  /** Hard-link limit reported by PATHCONF (ext4's). */
  static final int LINK_MAX = 65_000;

  private AttributeProcedures() {}

  static ReplyBody getAttr(RequestContext ctx, HandleArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Attributes a = t.store().getAttributes(t.inode());
    return RequestContext.ok(new NfsResult.GetAttrResult(a), t);
  }

  static ReplyBody setAttr(RequestContext ctx, SetAttrArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Results.Changed r =
        t.store().setAttributes(t.caller(), t.inode(), args.change(), args.guardCtimeNanos());
    return RequestContext.ok(new NfsResult.WccResult(r.object()), t);
  }

  static ReplyBody access(RequestContext ctx, AccessArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Attributes a = t.store().getAttributes(t.inode());
    int granted = t.store().access(t.caller(), t.inode(), args.access());
    if (t.readOnly()) {
      granted &= ~MODIFYING_ACCESS;
    }
    return RequestContext.ok(new NfsResult.AccessResult(a, granted), t);
  }

  static ReplyBody fsStat(RequestContext ctx, HandleArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Attributes a = t.store().getAttributes(t.inode());
    return RequestContext.ok(new NfsResult.FsStatResult(a, t.store().stats(), 0), t);
  }

  static ReplyBody fsInfo(RequestContext ctx, HandleArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Attributes a = t.store().getAttributes(t.inode());
    int transfer = transferBytes(ctx);
    NfsResult.FsInfoResult r =
        new NfsResult.FsInfoResult(
            a,
            transfer,
            transfer,
            4096,
            transfer,
            transfer,
            4096,
            DIR_PREFERRED_BYTES,
            Long.MAX_VALUE,
            1,
            PROPERTIES);
    return RequestContext.ok(r, t);
  }

  /** rtmax/wtmax for the transport the call came on. */
  static int transferBytes(RequestContext ctx) {
    return ctx.call().transport() == Transport.UDP ? UDP_TRANSFER_BYTES : TRANSFER_BYTES;
  }

  static ReplyBody pathConf(RequestContext ctx, HandleArgs args) throws FsException {
    Target t = ctx.resolve(args.handle());
    Attributes a = t.store().getAttributes(t.inode());
    NfsResult.PathConfResult r =
        new NfsResult.PathConfResult(
            a, LINK_MAX, ExportStore.MAX_NAME_BYTES, true, true, false, true);
    return RequestContext.ok(r, t);
  }
}
