package io.doppel.nfs.proc;

import io.doppel.fs.Attributes;
import io.doppel.fs.Caller;
import io.doppel.fs.DirEntry;
import io.doppel.fs.DirPage;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import io.doppel.fs.InodeRef;
import io.doppel.nfs.handle.FileHandleCodec;
import io.doppel.nfs.wire.AttrCodec;
import io.doppel.nfs.wire.NfsArgs.ReadDirArgs;
import io.doppel.nfs.wire.NfsArgs.ReadDirPlusArgs;
import io.doppel.nfs.wire.NfsResult;
import io.doppel.rpc.ReplyBody;
import io.doppel.rpc.xdr.XdrDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * READDIR and READDIRPLUS (RFC 1813 §3.3.16–17). Cookies are the store's per-entry cookies, which
 * never change meaning; the cookie verifier is the store's. Entries are added while the encoded
 * resok stays within the client's count (READDIR) or maxcount and dircount (READDIRPLUS); if not
 * even one entry fits the answer is TOOSMALL. The store keeps cookies 1 and 2 free: "." (cookie 1)
 * and ".." (cookie 2) are synthesised here, as Linux knfsd lists them.
 */
final class DirectoryListing {
  /** status + post_op_attr(fattr3) + cookieverf + end-of-list + eof. */
  static final int FIXED_BYTES = 4 + 4 + AttrCodec.FATTR3_BYTES + 8 + 4 + 4;

  /** Clients may ask for more; we never build a listing larger than this. */
  static final int MAX_REPLY_BYTES = 1 << 20;

  /** The most entries asked of the store for one reply. */
  static final int MAX_ENTRIES = 4096;

  private DirectoryListing() {}

  static ReplyBody readDir(RequestContext ctx, ReadDirArgs args) throws FsException {
    Target dir = ctx.resolve(args.dir());
    long verifier = checkVerifier(dir, args.cookie(), args.cookieVerifier());
    int budget = Math.min(args.count(), MAX_REPLY_BYTES) - FIXED_BYTES;
    DirPage page = page(dir, args.cookie(), budget, Integer.MAX_VALUE, false);
    List<DirEntry> all = withDots(dir, args.cookie(), page, false);
    List<DirEntry> out = new ArrayList<>();
    for (DirEntry e : all) {
      int size = entryBytes(e);
      if (size > budget) {
        break;
      }
      budget -= size;
      out.add(e);
    }
    boolean eof = page.eof() && out.size() == all.size();
    requireRoom(out.isEmpty(), eof);
    return RequestContext.ok(
        new NfsResult.ReadDirResult(page.directory(), verifier, out, eof), dir);
  }

  static ReplyBody readDirPlus(RequestContext ctx, ReadDirPlusArgs args) throws FsException {
    Target dir = ctx.resolve(args.dir());
    long verifier = checkVerifier(dir, args.cookie(), args.cookieVerifier());
    int budget = Math.min(args.maxCount(), MAX_REPLY_BYTES) - FIXED_BYTES;
    int dirBudget = Math.min(args.dirCount(), MAX_REPLY_BYTES);
    DirPage page = page(dir, args.cookie(), budget, dirBudget, true);
    List<DirEntry> all = withDots(dir, args.cookie(), page, true);
    List<NfsResult.PlusEntry> out = new ArrayList<>();
    for (DirEntry e : all) {
      Attributes a = e.attributes();
      int size = entryBytes(e) + 4 + (a == null ? 0 : AttrCodec.FATTR3_BYTES) + 4;
      size += a == null ? 0 : 4 + XdrDecoder.pad(FileHandleCodec.LENGTH);
      int dirSize = entryBytes(e) - 4;
      if (size > budget || (dirSize > dirBudget && !out.isEmpty())) {
        break;
      }
      budget -= size;
      dirBudget -= dirSize;
      byte[] handle =
          a == null ? null : ctx.handleFor(dir, new InodeRef(e.fileId(), a.generation()));
      out.add(new NfsResult.PlusEntry(e, handle));
    }
    boolean eof = page.eof() && out.size() == all.size();
    requireRoom(out.isEmpty(), eof);
    return RequestContext.ok(
        new NfsResult.ReadDirPlusResult(page.directory(), verifier, out, eof), dir);
  }

  /**
   * Prepends "." (cookie 1) and ".." (cookie 2) when the listing starts before them. The parent is
   * looked up as root: listing ".." reveals only what GETATTR on its handle would, and permission
   * to use it is still checked on every later call.
   */
  private static List<DirEntry> withDots(Target dir, long cookie, DirPage page, boolean plus)
      throws FsException {
    if (cookie > 1) {
      return page.entries();
    }
    List<DirEntry> all = new ArrayList<>();
    Attributes self = page.directory();
    if (cookie == 0) {
      all.add(new DirEntry(".", self.fileId(), 1, plus ? self : null));
    }
    Attributes parent = dir.store().lookup(Caller.ROOT, dir.inode(), "..").childAttributes();
    all.add(new DirEntry("..", parent.fileId(), 2, plus ? parent : null));
    all.addAll(page.entries());
    return all;
  }

  /**
   * A cookie other than 0 must come with the verifier we handed out (a zero verifier is accepted,
   * as some clients send it).
   */
  private static long checkVerifier(Target dir, long cookie, long given) throws FsException {
    long verifier = dir.store().cookieVerifier(dir.inode());
    if (cookie != 0 && given != 0 && given != verifier) {
      throw new FsException(FsStatus.BAD_COOKIE, "cookie verifier does not match");
    }
    return verifier;
  }

  /**
   * Asks the store for no more entries than can fit: each costs at least its smallest encoding
   * (with attributes and handle for READDIRPLUS, which otherwise fetched ~6x too many inodes per
   * page).
   */
  private static DirPage page(Target dir, long cookie, int budget, int dirBudget, boolean plus)
      throws FsException {
    if (budget <= 0) {
      throw new FsException(FsStatus.TOOSMALL, "count leaves no room for entries");
    }
    int minEntry = 4 + 8 + 8 + 8; // value-follows, fileid, 1-byte name, cookie
    int fitting = budget / minEntry;
    if (plus) {
      int minPlus = minEntry + 4 + AttrCodec.FATTR3_BYTES + 4 + 4 + FileHandleCodec.LENGTH;
      fitting = Math.min(budget / minPlus, dirBudget / (minEntry - 4));
    }
    int maxEntries = Math.max(1, Math.min(MAX_ENTRIES, fitting + 1));
    return dir.store().readDirectory(dir.caller(), dir.inode(), cookie, maxEntries, plus);
  }

  private static void requireRoom(boolean nothingFits, boolean eof) throws FsException {
    if (nothingFits && !eof) {
      throw new FsException(FsStatus.TOOSMALL, "count cannot hold one entry");
    }
  }

  /** value-follows + fileid + name + cookie. */
  private static int entryBytes(DirEntry e) {
    int nameBytes = e.name().getBytes(StandardCharsets.UTF_8).length;
    return 4 + 8 + 4 + XdrDecoder.pad(nameBytes) + 8;
  }
}
