package io.doppel.server.config;

import java.net.InetAddress;

/**
 * The {@code [nbd]} section: where the block face (NBD, NetworkBlockDevice {@code doc/proto.md})
 * listens.
 *
 * @param enabled whether the NBD server runs: true when {@code [nbd]} is present or at least one
 *     {@code [[volumes]]} is configured
 * @param bind address to bind (default 0.0.0.0, like {@code nfs.bind})
 * @param port 0..65535, 0 = ephemeral (default 10809, the IANA NBD port)
 * @param maxRequestBytes hard cap on one request's data (default 32 MiB)
 * @param workers disk-I/O threads shared by all connections (default 8)
 * @param replication the {@code [replication]} section for mirrored volumes, null when absent
 */
public record NbdConfig(
    boolean enabled,
    InetAddress bind,
    int port,
    int maxRequestBytes,
    int workers,
    ReplicationConfig replication) {
  public static final int DEFAULT_PORT = 10809;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 32 << 20;
  public static final int DEFAULT_WORKERS = 8;

  /** A section without mirrored volumes. */
  public NbdConfig(boolean enabled, InetAddress bind, int port, int maxRequestBytes, int workers) {
    this(enabled, bind, port, maxRequestBytes, workers, null);
  }

  /** The same section listening on another port. */
  public NbdConfig withPort(int newPort) {
    return new NbdConfig(enabled, bind, newPort, maxRequestBytes, workers, replication);
  }
}
