package io.doppel.cluster.events;

import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.Epoch;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.Role;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/** One instance of every cluster event type, and small helpers for the event tests. */
final class TestEvents {
  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");
  static final ResourceId EXPORT = ResourceId.export("home");
  static final ResourceId VOLUME = ResourceId.volume("db");
  static final Instant T0 = Instant.parse("2026-11-22T01:02:03.456Z");

  private TestEvents() {}

  /** Every permitted subclass of ClusterEvent (checked against the sealed hierarchy). */
  static List<ClusterEvent> all() {
    return List.of(
        new ClusterEvent.NodeUp(A, B),
        new ClusterEvent.NodeDown(A, B),
        new ClusterEvent.LinkFault(A, B, new LinkId("repl")),
        new ClusterEvent.LinkRestored(A, B, new LinkId("repl")),
        new ClusterEvent.PartnerShutdown(A, B),
        new ClusterEvent.MachineFailed(A, B, List.of(EXPORT, VOLUME)),
        new ClusterEvent.FailoverNotConfigured(A, EXPORT, B),
        new ClusterEvent.RoleChanged(A, EXPORT, Role.CANDIDATE, Role.PRIMARY, new Epoch(7)),
        new ClusterEvent.LeaseLost(A, EXPORT, new Epoch(7)),
        new ClusterEvent.QuorumLost(A, VOLUME),
        new ClusterEvent.QuorumRegained(A, VOLUME),
        new ClusterEvent.FencingFailed(A, VOLUME, B),
        new ClusterEvent.VipFailed(
            A,
            new ResourceId(ResourceId.Kind.VIRTUAL_SERVER, "vs1"),
            "10.99.0.10/24",
            "add",
            2,
            false,
            3,
            "release_role"));
  }

  static EventEnvelope envelope(ClusterEvent e, long seq) {
    return EventEnvelope.of(ClusterEvents.adapt(e), T0, "self", seq);
  }

  static EventEnvelope envelope(DoppelEvent e, long seq) {
    return EventEnvelope.of(e, T0, "self", seq);
  }

  /** A module event with arbitrary fields (e.g. a future resync event). */
  record Custom(String type, Map<String, Object> fields) implements DoppelEvent {}

  static ThreadFactory threads(String name) {
    return Thread.ofPlatform().name(name + "-", 0).daemon().factory();
  }
}
