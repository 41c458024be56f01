package io.doppel.fs.store;

import io.doppel.fs.ExportStore;
import io.doppel.fs.FsException;
import io.doppel.fs.FsStatus;
import java.nio.charset.StandardCharsets;

/** Name rules for directory entries (see {@link ExportStore}). */
final class Names {
  private Names() {}

  /** A name that may be created: "." and ".." exist already (EXIST). */
  static void checkNew(String name) throws FsException {
    checkSyntax(name);
    if (name.equals(".") || name.equals("..")) {
      throw new FsException(FsStatus.EXIST, "'" + name + "' always exists");
    }
  }

  /** Empty, '/' or NUL: INVAL; more than 255 UTF-8 bytes: NAMETOOLONG. */
  static void checkSyntax(String name) throws FsException {
    if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
      throw new FsException(FsStatus.INVAL, "invalid name");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > ExportStore.MAX_NAME_BYTES) {
      throw new FsException(FsStatus.NAMETOOLONG, "name longer than 255 bytes");
    }
  }

  static boolean isDot(String name) {
    return name.equals(".") || name.equals("..");
  }
}
