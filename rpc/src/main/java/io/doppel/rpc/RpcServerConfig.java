package io.doppel.rpc;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Settings of one {@link RpcServer}, validated as a whole when constructed.
 *
 * @param bindAddress local address for both the TCP listener and the UDP socket
 * @param port port for TCP and UDP; 0 picks an ephemeral port (read it back with {@link
 *     RpcServer#port()})
 * @param udp whether to serve UDP as well (RFC 5531 §10: one datagram is one message)
 * @param maxRecordBytes hard cap on the total size of one TCP record (all fragments), checked
 *     against every fragment header before any buffer is allocated for it
 * @param workerThreads threads that run {@link RpcProgram#handle}
 */
public record RpcServerConfig(
    InetAddress bindAddress, int port, boolean udp, int maxRecordBytes, int workerThreads) {

  /** The smallest accepted record cap: a call header with maximal credential and verifier. */
  public static final int MIN_RECORD_BYTES = 1024;

  public RpcServerConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (maxRecordBytes < MIN_RECORD_BYTES) {
      throw new IllegalArgumentException(
          "maxRecordBytes must be >= " + MIN_RECORD_BYTES + ", got " + maxRecordBytes);
    }
    if (workerThreads < 1) {
      throw new IllegalArgumentException("workerThreads must be >= 1, got " + workerThreads);
    }
  }
}
