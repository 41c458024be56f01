package io.doppel.fs;

/** Space and inode counts for FSSTAT, from the real backing filesystem. */
public record FsStats(
    long totalBytes,
    long freeBytes,
    long availableBytes,
    long totalFiles,
    long freeFiles,
    long availableFiles) {}
