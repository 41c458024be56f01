package io.doppel.rpc;

import io.doppel.rpc.xdr.XdrDecoder;
import java.util.concurrent.CompletionStage;

/**
 * One ONC RPC program (e.g. NFS 100003, MOUNT 100005, portmapper 100000) served by an {@link
 * RpcServer}. The server checks program and version (PROG_UNAVAIL, PROG_MISMATCH) before calling
 * {@link #handle}.
 */
public interface RpcProgram {
  int program();

  int lowestVersion();

  int highestVersion();

  /**
   * Handles one call. Runs on a worker thread (never an event loop), so it may do disk I/O. The
   * {@code args} decoder is valid only until this method returns: decode everything needed before
   * returning; the returned stage may complete later on any thread. A stage completed exceptionally
   * becomes SYSTEM_ERR (logged and counted once by the server).
   */
  CompletionStage<RpcReply> handle(RpcCall call, XdrDecoder args);
}
