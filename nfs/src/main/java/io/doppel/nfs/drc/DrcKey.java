package io.doppel.nfs.drc;

import io.doppel.rpc.RpcCall;
import io.doppel.rpc.Transport;
import java.net.InetSocketAddress;

/**
 * Identifies one request for the duplicate request cache: a retransmission repeats every field. The
 * client's port, transport, argument length and digest keep two different calls that happen to
 * share an xid from being confused (a false hit is worse than a miss).
 */
public record DrcKey(
    InetSocketAddress client,
    Transport transport,
    int xid,
    int program,
    int version,
    int procedure,
    long argsDigest,
    int argsLength) {

  public static DrcKey of(RpcCall call) {
    return new DrcKey(
        call.client(),
        call.transport(),
        call.xid(),
        call.program(),
        call.version(),
        call.procedure(),
        call.argsDigest(),
        call.argsLength());
  }
}
