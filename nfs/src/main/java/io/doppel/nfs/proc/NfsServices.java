package io.doppel.nfs.proc;

import io.doppel.nfs.NfsStats;
import io.doppel.nfs.export.ExportTable;
import io.doppel.nfs.handle.FileHandleCodec;

/**
 * The server-wide collaborators procedures share.
 *
 * @param writeVerifier the WRITE/COMMIT verifier (RFC 1813 §3.3.7): drawn at random once per server
 *     instance, for all exports, so it changes at every restart and clients resend uncommitted data
 */
public record NfsServices(
    ExportTable exports, FileHandleCodec handles, NfsStats stats, long writeVerifier) {}
