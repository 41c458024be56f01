package io.doppel.cluster;

import io.doppel.cluster.message.Message;

/**
 * A member's agent (STYLE.md, after Aeron): all its state is touched only by the one thread that
 * calls these methods, with that thread's clock. {@link #doWork} is called every few milliseconds;
 * it returns how much work it did (0 = idle).
 */
public interface ClusterAgent {
  NodeId self();

  int doWork(long nowNanos);

  void onMessage(NodeId from, LinkId link, Message message, long nowNanos);

  /** Graceful shutdown: hand over roles, say goodbye on every link (seed 003). */
  void shutdown(long nowNanos);
}
