package io.doppel.nfs.handle;

import io.doppel.fs.InodeRef;

/** What a valid NFS file handle names: an inode of one export. */
public record FileHandle(int exportId, InodeRef inode) {}
