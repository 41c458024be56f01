package io.doppel.nfs.proc;

import io.doppel.fs.Attributes;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.nfs.Access;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.NfsExport;
import io.doppel.nfs.NfsStats;
import io.doppel.nfs.export.ExportTable;
import io.doppel.nfs.handle.FileHandle;
import io.doppel.nfs.handle.FileHandleCodec;
import io.doppel.nfs.wire.NfsResult;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.RpcCall;

/**
 * What a procedure needs besides its arguments: the call, the export rules and handle codec, and
 * the server's write verifier. {@link #resolve} is where every NFS call is checked against the
 * export's client rules (RFC 1813 leaves access control to the server; knfsd checks per call).
 */
public final class RequestContext {
  private final RpcCall call;
  private final boolean modifying;
  private final NfsServices services;

  RequestContext(RpcCall call, boolean modifying, NfsServices services) {
    this.call = call;
    this.modifying = modifying;
    this.services = services;
  }

  public RpcCall call() {
    return call;
  }

  public long writeVerifier() {
    return services.writeVerifier();
  }

  public NfsStats stats() {
    return services.stats();
  }

  public FileHandleCodec handles() {
    return services.handles();
  }

  /**
   * Checks a handle and the caller's right to use it: BADHANDLE for a handle we did not issue,
   * ACCES for a client no rule of the export admits, ROFS for a modifying call on a read-only rule.
   * STALE is left to the store.
   */
  public Target resolve(byte[] handle) throws FsException {
    FileHandle fh = services.handles().decode(handle);
    NfsExport export =
        services
            .exports()
            .byId(fh.exportId())
            .orElseThrow(() -> new FsException(FsStatus.BADHANDLE, "unknown export"));
    ClientRule rule =
        ExportTable.ruleFor(export, call.client().getAddress())
            .orElseThrow(() -> new FsException(FsStatus.ACCES, "client not admitted to export"));
    if (modifying && rule.access() == Access.READ_ONLY) {
      throw new FsException(FsStatus.ROFS, "export is read-only for this client");
    }
    return new Target(export, fh.inode(), rule, ExportTable.callerFor(rule, call.credential()));
  }

  /** Resolves a second handle that must be in the same export as {@code first} (else XDEV). */
  public Target resolveSameExport(byte[] handle, Target first) throws FsException {
    Target t = resolve(handle);
    if (t.exportId() != first.exportId()) {
      throw new FsException(FsStatus.XDEV, "handles name different exports");
    }
    return t;
  }

  /** The handle of another inode of {@code target}'s export. */
  public byte[] handleFor(Target target, InodeRef inode) {
    return services.handles().encode(target.exportId(), inode);
  }

  /**
   * Current attributes of the object a handle names, for failure bodies; null when the handle is
   * not usable by this client or the object is gone.
   */
  Attributes peekAttributes(byte[] handle) {
    try {
      FileHandle fh = services.handles().decode(handle);
      NfsExport export = services.exports().byId(fh.exportId()).orElse(null);
      if (export == null || ExportTable.ruleFor(export, call.client().getAddress()).isEmpty()) {
        return null;
      }
      return export.store().getAttributes(fh.inode());
    } catch (FsException | RuntimeException e) {
      return null;
    }
  }

  /** The usual success body: NFS3_OK then the result. */
  public static ReplyBody ok(NfsResult result, Target target) {
    int exportId = target.exportId();
    return out -> result.encode(out.writeInt(0), exportId);
  }

  /** The export id a failure body should report attributes under (fsid), or 0. */
  int exportIdOf(byte[] handle) {
    try {
      return services.handles().decode(handle).exportId();
    } catch (FsException e) {
      return 0;
    }
  }
}
