package io.doppel.nfs.mount;

import io.doppel.fs.Caller;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.fs.Results;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.NfsExport;
import io.doppel.nfs.NfsStats;
import io.doppel.nfs.export.ExportTable;
import io.doppel.nfs.handle.FileHandleCodec;
import io.doppel.nfs.wire.MountStatus;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.RpcCall;
import io.doppel.rpc.RpcProgram;
import io.doppel.rpc.RpcReply;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.doppel.rpc.xdr.XdrException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * MOUNT (program 100005, RFC 1813 Appendix I). Version 3 serves all procedures; versions 1 and 2
 * are accepted for NULL, DUMP, UMNT, UMNTALL and EXPORT (same XDR; {@code showmount} uses them),
 * their MNT (32-byte handles) is not offered. MNT admits a client only if one of the export's rules
 * matches its address, and returns the handle of the export's root (or of a directory below it,
 * looked up as the caller) with AUTH_SYS as the only flavor.
 */
public final class MountProgram implements RpcProgram {
  public static final int PROGRAM = 100005;

  /** MNTPATHLEN. */
  static final int MAX_PATH_BYTES = 1024;

  /** AUTH_SYS (RFC 5531). */
  static final int AUTH_SYS = 1;

  private static final String[] NAMES = {"NULL", "MNT", "DUMP", "UMNT", "UMNTALL", "EXPORT"};

  private final ExportTable exports;
  private final FileHandleCodec handles;
  private final MountTable mounts;
  private final NfsStats stats;

  public MountProgram(
      ExportTable exports, FileHandleCodec handles, MountTable mounts, NfsStats stats) {
    this.exports = exports;
    this.handles = handles;
    this.mounts = mounts;
    this.stats = stats;
  }

  @Override
  public int program() {
    return PROGRAM;
  }

  @Override
  public int lowestVersion() {
    return 1;
  }

  @Override
  public int highestVersion() {
    return 3;
  }

  @Override
  public CompletionStage<RpcReply> handle(RpcCall call, XdrDecoder args) {
    int proc = call.procedure();
    if (proc < 0 || proc >= NAMES.length || (proc == 1 && call.version() != 3)) {
      return CompletableFuture.completedFuture(new RpcReply.ProcedureUnavailable());
    }
    RpcReply reply;
    try {
      reply = RpcReply.success(dispatch(proc, call, args));
    } catch (XdrException e) {
      stats.garbageArgs();
      reply = new RpcReply.GarbageArgs(e.getMessage());
    }
    return CompletableFuture.completedFuture(reply);
  }

  private ReplyBody dispatch(int proc, RpcCall call, XdrDecoder args) throws XdrException {
    String host = call.client().getAddress().getHostAddress();
    return switch (proc) {
      case 0 -> counted("NULL", out -> {});
      case 1 -> mount(call, args.readString(MAX_PATH_BYTES));
      case 2 -> counted("DUMP", this::dump);
      case 3 -> {
        String path = args.readString(MAX_PATH_BYTES);
        mounts.remove(host, ExportTable.normalise(path).orElse(path));
        yield counted("UMNT", out -> {});
      }
      case 4 -> {
        mounts.removeAll(host);
        yield counted("UMNTALL", out -> {});
      }
      default -> counted("EXPORT", this::export);
    };
  }

  private ReplyBody counted(String name, ReplyBody body) {
    stats.mountCall(name, "OK");
    return body;
  }

  private ReplyBody mount(RpcCall call, String path) {
    if (ExportTable.normalise(path).isEmpty()) {
      return mountFailure(MountStatus.MNT3ERR_INVAL);
    }
    Optional<ExportTable.Located> located = exports.locate(path);
    if (located.isEmpty()) {
      return mountFailure(MountStatus.MNT3ERR_NOENT);
    }
    NfsExport export = located.get().export();
    Optional<ClientRule> rule = ExportTable.ruleFor(export, call.client().getAddress());
    if (rule.isEmpty()) {
      return mountFailure(MountStatus.MNT3ERR_ACCES);
    }
    Caller caller = ExportTable.callerFor(rule.get(), call.credential());
    InodeRef dir;
    try {
      dir = walk(export, located.get().below(), caller);
    } catch (FsException e) {
      return mountFailure(statusOf(e.status()));
    }
    byte[] root = handles.encode(export.exportId(), dir);
    mounts.add(call.client().getAddress().getHostAddress(), ExportTable.normalise(path).get());
    stats.mountCall("MNT", MountStatus.MNT3_OK.name());
    return out -> {
      out.writeInt(MountStatus.MNT3_OK.code).writeOpaque(root);
      out.writeInt(1).writeInt(AUTH_SYS);
    };
  }

  /** Looks up a subdirectory of the export as the caller would (knfsd allows such mounts). */
  private static InodeRef walk(NfsExport export, List<String> below, Caller caller)
      throws FsException {
    InodeRef dir = export.store().root();
    for (String name : below) {
      Results.Lookup r = export.store().lookup(caller, dir, name);
      if (r.childAttributes().type() != FileType.DIRECTORY) {
        throw new FsException(FsStatus.NOTDIR, name + " is not a directory");
      }
      dir = r.child();
    }
    return dir;
  }

  private static MountStatus statusOf(FsStatus status) {
    return switch (status) {
      case NOENT, STALE -> MountStatus.MNT3ERR_NOENT;
      case ACCES, PERM -> MountStatus.MNT3ERR_ACCES;
      case NOTDIR -> MountStatus.MNT3ERR_NOTDIR;
      case NAMETOOLONG -> MountStatus.MNT3ERR_NAMETOOLONG;
      case INVAL -> MountStatus.MNT3ERR_INVAL;
      default -> MountStatus.MNT3ERR_IO;
    };
  }

  private ReplyBody mountFailure(MountStatus status) {
    stats.mountCall("MNT", status.name());
    return out -> out.writeInt(status.code);
  }

  /** mountlist: linked list of (hostname, directory). */
  private void dump(XdrEncoder out) {
    for (MountTable.Mount m : mounts.list()) {
      out.writeBoolean(true).writeString(m.host()).writeString(m.path());
    }
    out.writeBoolean(false);
  }

  /** exports: linked list of (directory, groups list). */
  private void export(XdrEncoder out) {
    for (NfsExport e : exports.all()) {
      out.writeBoolean(true).writeString(e.path());
      List<ClientRule> rules = e.clients();
      for (ClientRule r : rules) {
        out.writeBoolean(true).writeString(r.match().text());
      }
      out.writeBoolean(false);
    }
    out.writeBoolean(false);
  }
}
