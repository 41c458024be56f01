package io.doppel.fs;

/**
 * Result records of {@link ExportStore} operations, each carrying the wcc data NFS replies need.
 */
public final class Results {
  private Results() {}

  /** LOOKUP: the child, its attributes, and the directory's attributes. */
  public record Lookup(InodeRef child, Attributes childAttributes, Attributes directory) {}

  /** READ: bytes delivered to the sink, whether they reach end of file, attributes after. */
  public record Read(int count, boolean eof, Attributes attributes) {}

  /** WRITE: bytes written, the stability actually achieved (may exceed what was asked). */
  public record Write(int count, Stability committed, Wcc file) {}

  /** CREATE, MKDIR, SYMLINK, MKNOD: the new (or, for idempotent EXCLUSIVE, existing) object. */
  public record Created(InodeRef ref, Attributes attributes, Wcc directory) {}

  /** SETATTR, COMMIT: the object's wcc. */
  public record Changed(Wcc object) {}

  /** REMOVE, RMDIR: the directory's wcc. */
  public record Removed(Wcc directory) {}

  /** RENAME: both directories' wcc (the same directory twice for an in-place rename). */
  public record Renamed(Wcc fromDirectory, Wcc toDirectory) {}

  /** LINK: the file's attributes after, and the target directory's wcc. */
  public record Linked(Attributes file, Wcc directory) {}

  /** READLINK. */
  public record Link(String target, Attributes attributes) {}
}
