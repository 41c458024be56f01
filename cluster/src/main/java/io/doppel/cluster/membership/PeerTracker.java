package io.doppel.cluster.membership;

import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.Epoch;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.StateMachine;
import io.doppel.cluster.message.Message.Held;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Membership's record of one peer: its state, each link's state, and what it advertised. */
final class PeerTracker {
  /** One link to the peer. */
  static final class Link {
    final LinkId id;
    final StateMachine<LinkState> state;
    long lastHeardNanos;
    boolean faulted;

    Link(LinkId id, StateMachine<LinkState> state, long nowNanos) {
      this.id = id;
      this.state = state;
      this.lastHeardNanos = nowNanos;
    }
  }

  final NodeId id;
  final StateMachine<PeerState> state;
  final Map<LinkId, Link> links = new LinkedHashMap<>();
  long incarnation;
  long lastSeq = -1;
  long shutdownIncarnation;
  boolean maintenance;
  List<Held> held = List.of();
  long heldAtNanos;
  int probesLeft;
  long nextProbeNanos;
  long probeNonce;

  PeerTracker(NodeId self, NodeId id, List<LinkId> shared, long nowNanos, ClusterStats stats) {
    this.id = id;
    this.heldAtNanos = nowNanos;
    this.state =
        new StateMachine<>("peer[" + self + "->" + id + "]", PeerState.UNKNOWN, nowNanos, stats);
    for (LinkId l : shared) {
      links.put(
          l,
          new Link(
              l,
              new StateMachine<>(
                  "link[" + self + "->" + id + "/" + l + "]", LinkState.UNKNOWN, nowNanos, stats),
              nowNanos));
    }
  }

  /** The latest time anything was heard from the peer on any link. */
  long lastHeardNanos() {
    long max = Long.MIN_VALUE; // a peer has at least one link (validated)
    for (Link l : links.values()) {
      max = Math.max(max, l.lastHeardNanos);
    }
    return max;
  }

  /** The epoch the peer advertised for a resource in its freshest heartbeat, if any. */
  Epoch advertised(io.doppel.cluster.ResourceId resource) {
    for (Held h : held) {
      if (h.resource().equals(resource)) {
        return h.epoch();
      }
    }
    return null;
  }
}
