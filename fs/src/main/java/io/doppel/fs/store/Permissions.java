package io.doppel.fs.store;

import io.doppel.fs.Attributes;
import io.doppel.fs.Caller;
import io.doppel.fs.FileType;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;

/**
 * Unix permission checks with the caller's identity: owner, then group (incl. supplementary
 * groups), then other. uid 0 passes read and write checks; execute needs at least one x bit on a
 * non-directory even for root.
 */
final class Permissions {
  static final int READ = 4;
  static final int WRITE = 2;
  static final int EXECUTE = 1;

  /** RFC 1813 §3.3.4 ACCESS3 bits. */
  static final int ACCESS_READ = 1;

  static final int ACCESS_LOOKUP = 2;
  static final int ACCESS_MODIFY = 4;
  static final int ACCESS_EXTEND = 8;
  static final int ACCESS_DELETE = 16;
  static final int ACCESS_EXECUTE = 32;

  private Permissions() {}

  static boolean allowed(Caller c, Attributes a, int want) {
    if (c.uid() == 0) {
      if ((want & EXECUTE) == 0 || a.type() == FileType.DIRECTORY) {
        return true;
      }
      return (a.mode() & 0111) != 0;
    }
    int bits;
    if (c.uid() == a.uid()) {
      bits = (a.mode() >> 6) & 7;
    } else if (c.inGroup(a.gid())) {
      bits = (a.mode() >> 3) & 7;
    } else {
      bits = a.mode() & 7;
    }
    return (bits & want) == want;
  }

  static void require(Caller c, Attributes a, int want) throws FsException {
    if (!allowed(c, a, want)) {
      throw new FsException(FsStatus.ACCES, "permission denied on " + a.fileId());
    }
  }

  /**
   * READ and WRITE on file data: like knfsd, the owner may read and write a file whatever its mode
   * (a client creates a file 0444 and then writes it through the open descriptor).
   */
  static void requireData(Caller c, Attributes a, int want) throws FsException {
    if (c.uid() != a.uid()) {
      require(c, a, want);
    }
  }

  static boolean isOwnerOrRoot(Caller c, Attributes a) {
    return c.uid() == 0 || c.uid() == a.uid();
  }

  /** Sticky directory: only the owner of the entry or of the directory (or root) may unlink it. */
  static void requireStickyOk(Caller c, Attributes dir, Attributes victim) throws FsException {
    if ((dir.mode() & 01000) != 0
        && c.uid() != 0
        && c.uid() != dir.uid()
        && c.uid() != victim.uid()) {
      throw new FsException(FsStatus.PERM, "sticky directory " + dir.fileId());
    }
  }

  /**
   * The ACCESS3 bits (of {@code requested}) the caller has, with knfsd's mapping: on a directory
   * LOOKUP needs search, and MODIFY, EXTEND and DELETE need write and search; on other objects
   * MODIFY and EXTEND need write and EXECUTE needs execute. No owner override here: the client uses
   * ACCESS to decide open(2), which must follow the mode bits.
   */
  static int access(Caller c, Attributes a, int requested) {
    boolean dir = a.type() == FileType.DIRECTORY;
    int granted = 0;
    if (allowed(c, a, READ)) {
      granted |= ACCESS_READ;
    }
    if (dir) {
      if (allowed(c, a, EXECUTE)) {
        granted |= ACCESS_LOOKUP;
      }
      if (allowed(c, a, WRITE | EXECUTE)) {
        granted |= ACCESS_MODIFY | ACCESS_EXTEND | ACCESS_DELETE;
      }
    } else {
      if (allowed(c, a, WRITE)) {
        granted |= ACCESS_MODIFY | ACCESS_EXTEND;
      }
      if (allowed(c, a, EXECUTE)) {
        granted |= ACCESS_EXECUTE;
      }
    }
    return granted & requested;
  }
}
