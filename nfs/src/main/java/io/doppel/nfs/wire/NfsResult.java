package io.doppel.nfs.wire;

import static io.doppel.nfs.wire.AttrCodec.writeFattr;
import static io.doppel.nfs.wire.AttrCodec.writePostOp;
import static io.doppel.nfs.wire.AttrCodec.writeWcc;

import io.doppel.fs.Attributes;
import io.doppel.fs.DirEntry;
import io.doppel.fs.FsStats;
import io.doppel.fs.Stability;
import io.doppel.fs.Wcc;
import io.doppel.rpc.xdr.XdrEncoder;
import java.util.List;

/**
 * The "resok" arms of NFSv3 results (RFC 1813 §3.3), written after status NFS3_OK. Attributes are
 * encoded with the export id as fsid. READ's resok is written by the READ procedure itself, which
 * streams file data straight into the reply.
 */
public sealed interface NfsResult {

  void encode(XdrEncoder out, int exportId);

  /** GETATTR3resok (§3.3.1). */
  record GetAttrResult(Attributes attributes) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writeFattr(out, attributes, exportId);
    }
  }

  /** SETATTR3resok, REMOVE3resok, RMDIR3resok, COMMIT-less wcc-only results. */
  record WccResult(Wcc wcc) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writeWcc(out, wcc, exportId);
    }
  }

  /** LOOKUP3resok (§3.3.3). */
  record LookupResult(byte[] handle, Attributes object, Attributes directory) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      out.writeOpaque(handle);
      writePostOp(out, object, exportId);
      writePostOp(out, directory, exportId);
    }
  }

  /** ACCESS3resok (§3.3.4). */
  record AccessResult(Attributes attributes, int access) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, attributes, exportId);
      out.writeInt(access);
    }
  }

  /** READLINK3resok (§3.3.5). */
  record ReadLinkResult(Attributes attributes, String target) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, attributes, exportId);
      out.writeString(target);
    }
  }

  /** WRITE3resok (§3.3.7): the verifier is the server instance's write verifier. */
  record WriteResult(Wcc wcc, int count, Stability committed, long verifier) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writeWcc(out, wcc, exportId);
      out.writeInt(count).writeInt(committed.code).writeLong(verifier);
    }
  }

  /** CREATE3resok, MKDIR3resok, SYMLINK3resok, MKNOD3resok (§3.3.8–11). */
  record CreatedResult(byte[] handle, Attributes attributes, Wcc directory) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      out.writeBoolean(true).writeOpaque(handle);
      writePostOp(out, attributes, exportId);
      writeWcc(out, directory, exportId);
    }
  }

  /** RENAME3resok (§3.3.14). */
  record RenameResult(Wcc from, Wcc to) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writeWcc(out, from, exportId);
      writeWcc(out, to, exportId);
    }
  }

  /** LINK3resok (§3.3.15). */
  record LinkResult(Attributes file, Wcc directory) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, file, exportId);
      writeWcc(out, directory, exportId);
    }
  }

  /** READDIR3resok (§3.3.16): entry3 list then eof. */
  record ReadDirResult(Attributes directory, long verifier, List<DirEntry> entries, boolean eof)
      implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, directory, exportId);
      out.writeLong(verifier);
      for (DirEntry e : entries) {
        out.writeBoolean(true).writeLong(e.fileId()).writeString(e.name()).writeLong(e.cookie());
      }
      out.writeBoolean(false).writeBoolean(eof);
    }
  }

  /** One entryplus3: the entry and its handle (null when attributes are unknown). */
  record PlusEntry(DirEntry entry, byte[] handle) {}

  /** READDIRPLUS3resok (§3.3.17). */
  record ReadDirPlusResult(
      Attributes directory, long verifier, List<PlusEntry> entries, boolean eof)
      implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, directory, exportId);
      out.writeLong(verifier);
      for (PlusEntry p : entries) {
        DirEntry e = p.entry();
        out.writeBoolean(true).writeLong(e.fileId()).writeString(e.name()).writeLong(e.cookie());
        writePostOp(out, e.attributes(), exportId);
        out.writeBoolean(p.handle() != null);
        if (p.handle() != null) {
          out.writeOpaque(p.handle());
        }
      }
      out.writeBoolean(false).writeBoolean(eof);
    }
  }

  /** FSSTAT3resok (§3.3.18). */
  record FsStatResult(Attributes attributes, FsStats stats, int invariantSeconds)
      implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, attributes, exportId);
      out.writeLong(stats.totalBytes()).writeLong(stats.freeBytes());
      out.writeLong(stats.availableBytes()).writeLong(stats.totalFiles());
      out.writeLong(stats.freeFiles()).writeLong(stats.availableFiles());
      out.writeInt(invariantSeconds);
    }
  }

  /** FSINFO3resok (§3.3.19). */
  record FsInfoResult(
      Attributes attributes,
      int readMax,
      int readPreferred,
      int readMultiple,
      int writeMax,
      int writePreferred,
      int writeMultiple,
      int dirPreferred,
      long maxFileSize,
      long timeDeltaNanos,
      int properties)
      implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, attributes, exportId);
      out.writeInt(readMax).writeInt(readPreferred).writeInt(readMultiple);
      out.writeInt(writeMax).writeInt(writePreferred).writeInt(writeMultiple);
      out.writeInt(dirPreferred).writeLong(maxFileSize);
      AttrCodec.writeTime(out, timeDeltaNanos);
      out.writeInt(properties);
    }
  }

  /** PATHCONF3resok (§3.3.20). */
  record PathConfResult(
      Attributes attributes,
      int linkMax,
      int nameMax,
      boolean noTrunc,
      boolean chownRestricted,
      boolean caseInsensitive,
      boolean casePreserving)
      implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writePostOp(out, attributes, exportId);
      out.writeInt(linkMax).writeInt(nameMax).writeBoolean(noTrunc);
      out.writeBoolean(chownRestricted).writeBoolean(caseInsensitive);
      out.writeBoolean(casePreserving);
    }
  }

  /** COMMIT3resok (§3.3.21). */
  record CommitResult(Wcc wcc, long verifier) implements NfsResult {
    @Override
    public void encode(XdrEncoder out, int exportId) {
      writeWcc(out, wcc, exportId);
      out.writeLong(verifier);
    }
  }
}
