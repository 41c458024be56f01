package io.doppel.server.config;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The {@code [replication]} section: how this node's mirrored volumes reach each other.
 *
 * @param bind where this node's replica server listens ({@code "127.0.0.1:7201"}); null when this
 *     node backs up nothing
 * @param peers where other nodes' replica servers listen, by node name
 * @param regionBytes dirty-map region size, a power of two ≥ 4 KiB (default 1 MiB)
 * @param ackTimeoutMs a backup that does not ack for this long goes out of sync (default 5000)
 */
public record ReplicationConfig(
    InetSocketAddress bind,
    Map<String, InetSocketAddress> peers,
    int regionBytes,
    long ackTimeoutMs) {
  public static final int DEFAULT_REGION_BYTES = 1 << 20;
  public static final long DEFAULT_ACK_TIMEOUT_MS = 5000;

  public ReplicationConfig {
    peers = Map.copyOf(peers);
  }
}
