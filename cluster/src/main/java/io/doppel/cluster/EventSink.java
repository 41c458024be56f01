package io.doppel.cluster;

/** Receives cluster events on the agent thread; must not block (queue and return). */
@FunctionalInterface
public interface EventSink {
  void emit(ClusterEvent event);

  EventSink NONE = e -> {};
}
