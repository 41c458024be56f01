package io.doppel.rpc;

import java.net.InetSocketAddress;

/**
 * The header of one decoded RPC call (RFC 5531 §9), without its arguments.
 *
 * @param xid transaction id chosen by the client
 * @param program program number
 * @param version program version
 * @param procedure procedure number
 * @param credential the decoded credential
 * @param client the client's address <em>and port</em> (the DRC key needs both)
 * @param local the local address the call arrived on (a virtual IP later)
 * @param transport TCP or UDP
 * @param argsDigest a 64-bit digest over the call's argument bytes (first 256 or fewer), for
 *     duplicate-request-cache keys: a false hit is worse than a miss
 * @param argsLength length of the argument bytes
 */
public record RpcCall(
    int xid,
    int program,
    int version,
    int procedure,
    Credential credential,
    InetSocketAddress client,
    InetSocketAddress local,
    Transport transport,
    long argsDigest,
    int argsLength) {}
