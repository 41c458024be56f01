package io.doppel.nfs;

/** How the AUTH_SYS identity a client claims is mapped before permission checks. */
public enum Squash {
  /** Trust the claimed uid/gid, root included. */
  NONE,
  /** Map uid 0 (and gid 0) to the rule's anonymous ids; others unchanged (knfsd root_squash). */
  ROOT,
  /** Map every caller to the rule's anonymous ids (knfsd all_squash). */
  ALL
}
