package io.doppel.cluster.events;

import java.util.Map;
import java.util.Optional;

/**
 * An event for registered applications, from any module (cluster, replication resync...). The
 * extension point of the event pipeline: a module's events are records implementing this, and every
 * sink (socket, hooks, SNMP, log) handles them without change. {@link ClusterEvents} adapts the
 * cluster's own sealed {@code ClusterEvent}s.
 */
public interface DoppelEvent {
  /** Stable upper-case name, e.g. {@code LINK_FAULT} or {@code RESYNC_DONE}. */
  String type();

  /**
   * The event's own fields in a stable order, snake_case names. Values are {@code String}, {@code
   * Long}, {@code Integer}, {@code Boolean} or {@code List<String>}; the names {@code type}, {@code
   * time}, {@code node} and {@code seq} belong to the envelope (an event field with such a name is
   * published as {@code event_<name>}).
   */
  Map<String, Object> fields();

  /** The node that observed the event; empty means the publishing bus's own node. */
  default Optional<String> reporter() {
    return Optional.empty();
  }
}
