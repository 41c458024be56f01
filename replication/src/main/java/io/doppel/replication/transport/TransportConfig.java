package io.doppel.replication.transport;

import io.doppel.replication.wire.WireLimits;

/**
 * TCP transport settings.
 *
 * @param socketBufferBytes SO_SNDBUF / SO_RCVBUF (large: a replication link is a long fat pipe)
 * @param reconnectMinNanos first reconnect delay; doubles per failure up to {@code
 *     reconnectMaxNanos}
 * @param tickNanos how often each agent's {@code doWork} runs when nothing else wakes it
 */
public record TransportConfig(
    WireLimits limits,
    int socketBufferBytes,
    long reconnectMinNanos,
    long reconnectMaxNanos,
    long tickNanos) {
  public static final TransportConfig DEFAULT =
      new TransportConfig(WireLimits.DEFAULT, 4 << 20, 50_000_000L, 2_000_000_000L, 1_000_000L);

  public TransportConfig {
    if (socketBufferBytes < 65536
        || reconnectMinNanos <= 0
        || reconnectMaxNanos < reconnectMinNanos
        || tickNanos <= 0) {
      throw new IllegalArgumentException("inconsistent transport config");
    }
  }
}
