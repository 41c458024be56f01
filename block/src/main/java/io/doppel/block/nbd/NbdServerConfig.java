package io.doppel.block.nbd;

import java.net.InetAddress;

/**
 * Configuration of the NBD server ({@code [nbd]} in doppel.toml).
 *
 * @param bindAddress address to listen on
 * @param port TCP port; 10809 is the IANA port for NBD, 0 picks a free one
 * @param maxRequestBytes hard cap on one request's data (default 32 MiB, the limit clients assume
 *     without negotiation); a larger write closes the connection, a larger read gets EINVAL
 * @param workers threads of the disk-I/O pool shared by all connections
 */
public record NbdServerConfig(InetAddress bindAddress, int port, int maxRequestBytes, int workers) {
  public static final int DEFAULT_PORT = 10809;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 32 << 20;
  public static final int DEFAULT_WORKERS = 8;

  public NbdServerConfig {
    if (bindAddress == null) {
      throw new IllegalArgumentException("nbd.bind: an address is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("nbd.port must be 0..65535, got " + port);
    }
    if (maxRequestBytes < 4096 || maxRequestBytes > (256 << 20)) {
      throw new IllegalArgumentException(
          "nbd.max_request_bytes must be 4096..268435456, got " + maxRequestBytes);
    }
    if (workers < 1 || workers > 1024) {
      throw new IllegalArgumentException("nbd.workers must be 1..1024, got " + workers);
    }
  }

  /** Loopback, IANA port, 32 MiB requests, 8 workers. */
  public static NbdServerConfig defaults() {
    return new NbdServerConfig(
        InetAddress.getLoopbackAddress(), DEFAULT_PORT, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_WORKERS);
  }
}
