package io.doppel.fs;

import java.util.Optional;

/**
 * One exported filesystem on this node: the storage engine's face to protocol front ends.
 *
 * <p>Reads run on the caller's thread, concurrently. Every state change is turned into a {@link
 * io.doppel.fs.mutation.Mutation} with every identifier and timestamp already chosen (fileid,
 * generation, cookie, times), appended to the mutation log with a sequence number, and applied by
 * the one deterministic apply path (SYSTEM.md invariant 2); changes are serialised by one writer
 * per export. Permission checks use the {@link Caller} with Unix semantics (owner, group incl.
 * supplementary groups, other; uid 0 passes read/write checks).
 *
 * <p>Names are checked here: empty, ".", "..", containing '/' or NUL, or longer than {@link
 * #MAX_NAME_BYTES} UTF-8 bytes are refused (INVAL / NAMETOOLONG / EXIST for "." and ".." where
 * POSIX says so). LOOKUP of "." and ".." is answered (".." of the root is the root).
 */
public interface ExportStore extends AutoCloseable {
  int MAX_NAME_BYTES = 255;
  int MAX_PATH_BYTES = 4096;

  /** The export's root directory. */
  InodeRef root();

  /** Checks a reference: the inode exists with that generation (else STALE). */
  Attributes getAttributes(InodeRef ref) throws FsException;

  Results.Lookup lookup(Caller caller, InodeRef directory, String name) throws FsException;

  /**
   * Which of the requested ACCESS bits (RFC 1813 §3.3.4: READ 1, LOOKUP 2, MODIFY 4, EXTEND 8,
   * DELETE 16, EXECUTE 32) the caller has.
   */
  int access(Caller caller, InodeRef ref, int requestedBits) throws FsException;

  Results.Link readLink(InodeRef ref) throws FsException;

  /**
   * Reads up to {@code count} bytes at {@code offset} of a regular file, handing them to the sink
   * (ACCES if the caller may not read; ISDIR / INVAL for other types).
   */
  Results.Read read(Caller caller, InodeRef ref, long offset, int count, ReadSink sink)
      throws FsException;

  /**
   * Lists a directory from {@code cookie} (0 = start), at most {@code maxEntries} entries, with
   * attributes when {@code withAttributes}. A cookie that never existed in this directory is
   * BAD_COOKIE; a cookie of a since-removed entry continues after it.
   */
  DirPage readDirectory(
      Caller caller, InodeRef directory, long cookie, int maxEntries, boolean withAttributes)
      throws FsException;

  /** A verifier for READDIR cookies; cookies never change meaning, so it is stable. */
  long cookieVerifier(InodeRef directory) throws FsException;

  FsStats stats() throws FsException;

  // ---- state changes: each is one mutation ----

  /** SETATTR; {@code guardCtimeNanos} present = fail with NOT_SYNC unless ctime matches. */
  Results.Changed setAttributes(
      Caller caller, InodeRef ref, SetAttributes change, Optional<Long> guardCtimeNanos)
      throws FsException;

  /** WRITE; the data buffer's remaining bytes are written at {@code offset}. */
  Results.Write write(
      Caller caller, InodeRef ref, long offset, java.nio.ByteBuffer data, Stability stability)
      throws FsException;

  /** COMMIT: everything written to the file so far is on stable storage when this returns. */
  Results.Changed commit(Caller caller, InodeRef ref, long offset, int count) throws FsException;

  Results.Created create(Caller caller, InodeRef directory, String name, CreateMode mode)
      throws FsException;

  Results.Created makeDirectory(
      Caller caller, InodeRef directory, String name, SetAttributes attributes) throws FsException;

  Results.Created makeSymlink(
      Caller caller, InodeRef directory, String name, String target, SetAttributes attributes)
      throws FsException;

  /** MKNOD: device nodes, fifos and sockets are metadata only. */
  Results.Created makeNode(
      Caller caller,
      InodeRef directory,
      String name,
      FileType type,
      int rdevMajor,
      int rdevMinor,
      SetAttributes attributes)
      throws FsException;

  /** REMOVE of a non-directory. */
  Results.Removed remove(Caller caller, InodeRef directory, String name) throws FsException;

  /** RMDIR of an empty directory. */
  Results.Removed removeDirectory(Caller caller, InodeRef directory, String name)
      throws FsException;

  /**
   * RENAME, replacing a compatible existing target; refusing to move a directory into itself or a
   * descendant (INVAL).
   */
  Results.Renamed rename(
      Caller caller, InodeRef fromDirectory, String fromName, InodeRef toDirectory, String toName)
      throws FsException;

  Results.Linked link(Caller caller, InodeRef file, InodeRef directory, String name)
      throws FsException;

  /** The sequence number of the last mutation applied (the replication position). */
  long lastAppliedSequence();

  @Override
  void close();
}
