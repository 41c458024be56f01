package io.doppel.fs;

/**
 * Names one inode for all time: the fileid is never reused with the same generation, so a reference
 * to a deleted file can be told apart from its successor (STALE, never another file). Both are
 * chosen by the primary (seed 004) and identical on every replica.
 */
public record InodeRef(long fileId, int generation) {}
