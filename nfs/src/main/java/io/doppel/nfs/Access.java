package io.doppel.nfs;

/** What a client matching a {@link ClientRule} may do with an export. */
public enum Access {
  /** Reads and modifications (subject to Unix permissions). */
  READ_WRITE,
  /** Reads only: every modifying NFS procedure answers NFS3ERR_ROFS (RFC 1813 §2.6). */
  READ_ONLY
}
