package io.doppel.block.mirror;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A node's {@code [replication]} settings for mirrored volumes.
 *
 * @param node this node's name (as volumes' {@code nodes} lists spell it)
 * @param bind where this node's replica server listens (null: it is never a backup)
 * @param peers where other nodes' replica servers listen, by node name
 * @param regionBytes dirty-map region size (a power of two, at least 4 KiB)
 * @param ackTimeoutNanos no ack for this long: the backup goes out of sync
 */
public record MirrorSettings(
    String node,
    InetSocketAddress bind,
    Map<String, InetSocketAddress> peers,
    int regionBytes,
    long ackTimeoutNanos) {
  public static final int DEFAULT_REGION_BYTES = 1 << 20;
  public static final long DEFAULT_ACK_TIMEOUT_NANOS = 5_000_000_000L;

  public MirrorSettings {
    peers = Map.copyOf(peers);
    if (regionBytes < 4096 || Integer.bitCount(regionBytes) != 1) {
      throw new IllegalArgumentException("region size must be a power of two >= 4 KiB");
    }
    if (ackTimeoutNanos < 10_000_000L) {
      throw new IllegalArgumentException("ack timeout must be at least 10 ms");
    }
  }
}
