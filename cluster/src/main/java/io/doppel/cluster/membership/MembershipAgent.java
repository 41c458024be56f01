package io.doppel.cluster.membership;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.Epoch;
import io.doppel.cluster.EventSink;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.NodeSpec;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.Transport;
import io.doppel.cluster.message.Message;
import io.doppel.cluster.message.Message.Heartbeat;
import io.doppel.cluster.message.Message.Held;
import io.doppel.cluster.message.Message.LeaseGrant;
import io.doppel.cluster.message.Message.LeaseRefuse;
import io.doppel.cluster.message.Message.LeaseRelease;
import io.doppel.cluster.message.Message.LeaseRequest;
import io.doppel.cluster.message.Message.PresenceProbe;
import io.doppel.cluster.message.Message.PresenceReply;
import io.doppel.cluster.message.Message.Shutdown;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.random.RandomGenerator;

/**
 * Failure detection for one member (seed 003, done over any number of links): heartbeats on every
 * link each interval; a peer is suspected only when silent on ALL links for the suspect timeout,
 * then probed over every path with retries before it is FAILED. A link that falls silent while
 * another link still carries the peer is a LINK_FAULT (no failover); a shutdown message is a
 * PARTNER_SHUTDOWN (no alarm). Single-threaded: {@link #doWork} and {@link #onMessage} are called
 * by one agent thread with that thread's clock.
 */
public final class MembershipAgent {
  private final NodeId self;
  private final ClusterDefinition definition;
  private final Transport transport;
  private final EventSink events;
  private final RandomGenerator random;
  private final Map<NodeId, PeerTracker> peers = new LinkedHashMap<>();
  private final long incarnation;
  private final long startNanos;
  private final boolean skipStartupWait;
  private LongFunction<List<Held>> heldSupplier = now -> List.of();
  private boolean maintenance;
  private long heartbeatSeq;
  private long nextHeartbeatNanos;

  /**
   * @param skipStartupWait seed 003's persisted "wait for recovery" flag: the partner failed before
   *     this node restarted, so do not wait for it at startup
   */
  public MembershipAgent(
      NodeId self,
      ClusterDefinition definition,
      Transport transport,
      EventSink events,
      ClusterStats stats,
      RandomGenerator random,
      long nowNanos,
      boolean skipStartupWait) {
    this.self = self;
    this.definition = definition;
    this.transport = transport;
    this.events = events;
    this.random = random;
    // Distinct per start even if the generator is seeded the same: the clock moved on.
    this.incarnation = random.nextLong() ^ Long.rotateLeft(nowNanos, 17);
    this.startNanos = nowNanos;
    this.skipStartupWait = skipStartupWait;
    this.nextHeartbeatNanos = nowNanos;
    NodeSpec me = definition.member(self);
    for (NodeSpec other : definition.members()) {
      if (!other.id().equals(self)) {
        List<LinkId> shared = ClusterDefinition.shared(me, other);
        peers.put(other.id(), new PeerTracker(self, other.id(), shared, nowNanos, stats));
      }
    }
  }

  /** Where heartbeats get the list of leases this member holds right now. */
  public void heldLeases(LongFunction<List<Held>> supplier) {
    this.heldSupplier = supplier;
  }

  /** Advertise maintenance mode in heartbeats. */
  public void maintenance(boolean on) {
    this.maintenance = on;
  }

  public NodeId self() {
    return self;
  }

  public long incarnation() {
    return incarnation;
  }

  public Collection<NodeId> peers() {
    return peers.keySet();
  }

  public PeerState peerState(NodeId peer) {
    return tracker(peer).state.state();
  }

  public LinkState linkState(NodeId peer, LinkId link) {
    PeerTracker.Link l = tracker(peer).links.get(link);
    if (l == null) {
      throw new IllegalArgumentException("no link " + link + " to " + peer);
    }
    return l.state.state();
  }

  /** True for this member itself and for peers heard recently on some link. */
  public boolean isAlive(NodeId node) {
    return node.equals(self) || peerState(node) == PeerState.ALIVE;
  }

  /** True when the peer failed the presence check or shut down. */
  public boolean isGone(NodeId node) {
    if (node.equals(self)) {
      return false;
    }
    PeerState s = peerState(node);
    return s == PeerState.FAILED || s == PeerState.SHUT_DOWN;
  }

  /** When the peer entered its current state (e.g. how long it has been alive). */
  public long stateSinceNanos(NodeId peer) {
    return tracker(peer).state.sinceNanos();
  }

  public boolean inMaintenance(NodeId node) {
    return node.equals(self) ? maintenance : tracker(node).maintenance;
  }

  /** A peer's claim, from its freshest heartbeat, to hold {@code epoch} of a resource. */
  public record Advertised(NodeId holder, Epoch epoch) {}

  /**
   * The live peer that advertised holding {@code resource} within the suspect timeout, with the
   * highest epoch, if any.
   */
  public Optional<Advertised> advertisedHolder(ResourceId resource, long nowNanos) {
    Advertised best = null;
    for (PeerTracker p : peers.values()) {
      Epoch e = p.advertised(resource);
      boolean fresh = nowNanos - p.heldAtNanos < definition.timings().suspectTimeoutNanos();
      if (e != null && fresh && p.state.state() == PeerState.ALIVE) {
        if (best == null || e.isAfter(best.epoch())) {
          best = new Advertised(p.id, e);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** Sends heartbeats, ages links and peers, runs presence checks. Returns work done. */
  public int doWork(long nowNanos) {
    int work = 0;
    if (nowNanos >= nextHeartbeatNanos) {
      sendHeartbeats(nowNanos);
      // Jitter keeps members from beating in lockstep; bounded by a tenth of the interval.
      long interval = definition.timings().heartbeatIntervalNanos();
      nextHeartbeatNanos = nowNanos + interval - random.nextLong(interval / 10 + 1);
      work++;
    }
    for (PeerTracker p : peers.values()) {
      work += age(p, nowNanos);
    }
    return work;
  }

  private void sendHeartbeats(long nowNanos) {
    List<Held> held = heldSupplier.apply(nowNanos);
    Heartbeat hb = new Heartbeat(self, incarnation, heartbeatSeq++, maintenance, held);
    for (PeerTracker p : peers.values()) {
      for (LinkId l : p.links.keySet()) {
        transport.send(p.id, l, hb);
      }
    }
  }

  /** Graceful shutdown (seed 003): tell every peer on every link that this is no failure. */
  public void shutdown() {
    Shutdown s = new Shutdown(self, incarnation);
    for (PeerTracker p : peers.values()) {
      for (LinkId l : p.links.keySet()) {
        transport.send(p.id, l, s);
      }
    }
  }

  private int age(PeerTracker p, long now) {
    long suspect = definition.timings().suspectTimeoutNanos();
    int work = 0;
    PeerState s = p.state.state();
    if (s == PeerState.ALIVE) {
      work += ageLinks(p, now, suspect);
      if (now - p.lastHeardNanos() >= suspect) {
        p.state.moveTo(PeerState.SUSPECTED, now, "silent on all links", Epoch.ZERO);
        silenceAllLinks(p, now);
        startPresenceCheck(p, now);
        work++;
      }
    } else if (s == PeerState.UNKNOWN && startupWaitOver(now)) {
      startPresenceCheck(p, now);
      work++;
    } else if (s == PeerState.PRESENCE_CHECK && now >= p.nextProbeNanos) {
      work += probe(p, now);
    }
    return work;
  }

  private boolean startupWaitOver(long now) {
    long timeout = definition.timings().startupTimeoutNanos();
    return skipStartupWait || (timeout > 0 && now - startNanos >= timeout);
  }

  /**
   * A link is faulty when silent for the suspect timeout while another link delivered something
   * clearly later (two heartbeat intervals): a crashed peer stops on all links at once and must not
   * raise link faults, only NODE_DOWN.
   */
  private int ageLinks(PeerTracker p, long now, long suspect) {
    int work = 0;
    long gap = 2 * definition.timings().heartbeatIntervalNanos();
    for (PeerTracker.Link l : p.links.values()) {
      if (l.faulted || now - l.lastHeardNanos < suspect) {
        continue;
      }
      boolean otherLater = false;
      for (PeerTracker.Link o : p.links.values()) {
        otherLater |= o != l && o.lastHeardNanos - l.lastHeardNanos >= gap;
      }
      if (otherLater) {
        l.state.moveTo(
            LinkState.SILENT, now, "silent while peer alive on another link", Epoch.ZERO);
        l.faulted = true;
        events.emit(new ClusterEvent.LinkFault(self, p.id, l.id));
        work++;
      }
    }
    return work;
  }

  private void silenceAllLinks(PeerTracker p, long now) {
    for (PeerTracker.Link l : p.links.values()) {
      l.state.moveTo(LinkState.SILENT, now, "peer silent", Epoch.ZERO);
      l.faulted = false;
    }
  }

  private void startPresenceCheck(PeerTracker p, long now) {
    p.state.moveTo(PeerState.PRESENCE_CHECK, now, "presence check", Epoch.ZERO);
    p.probesLeft = definition.timings().presenceRetries();
    p.nextProbeNanos = now;
    probe(p, now);
  }

  private int probe(PeerTracker p, long now) {
    if (p.probesLeft == 0) {
      p.state.moveTo(PeerState.FAILED, now, "presence check failed", Epoch.ZERO);
      events.emit(new ClusterEvent.NodeDown(self, p.id));
      return 1;
    }
    p.probesLeft--;
    p.probeNonce = random.nextLong();
    for (LinkId l : p.links.keySet()) {
      transport.send(p.id, l, new PresenceProbe(self, p.probeNonce));
    }
    p.nextProbeNanos = now + definition.timings().heartbeatIntervalNanos();
    return 1;
  }

  /** Records that {@code from} was heard on {@code link}; answers probes; handles shutdown. */
  public void onMessage(NodeId from, LinkId link, Message message, long nowNanos) {
    PeerTracker p = peers.get(from);
    if (p == null || !p.links.containsKey(link)) {
      return; // not a member, or a link we do not share: ignore (counted by the transport)
    }
    switch (message) {
      case Heartbeat h -> onHeartbeat(p, link, h, nowNanos);
      case PresenceProbe probe -> {
        transport.send(from, link, new PresenceReply(self, probe.nonce()));
        heard(p, link, nowNanos, false);
      }
      case PresenceReply r -> heard(p, link, nowNanos, false);
      case Shutdown s -> onShutdown(p, s, nowNanos);
      case LeaseRequest r -> heard(p, link, nowNanos, false);
      case LeaseGrant g -> heard(p, link, nowNanos, false);
      case LeaseRefuse r -> heard(p, link, nowNanos, false);
      case LeaseRelease r -> heard(p, link, nowNanos, false);
    }
  }

  private void onHeartbeat(PeerTracker p, LinkId link, Heartbeat h, long now) {
    boolean goodbyeSaid =
        p.state.state() == PeerState.SHUT_DOWN && h.incarnation() == p.shutdownIncarnation;
    if (!goodbyeSaid) {
      if (h.incarnation() != p.incarnation) {
        p.incarnation = h.incarnation();
        p.lastSeq = -1;
      }
      if (h.seq() > p.lastSeq) { // reordered older heartbeats do not overwrite newer facts
        p.lastSeq = h.seq();
        p.maintenance = h.maintenance();
        p.held = h.held();
        p.heldAtNanos = now;
      }
    }
    heard(p, link, now, !goodbyeSaid);
  }

  private void onShutdown(PeerTracker p, Shutdown s, long now) {
    if (p.state.state() == PeerState.SHUT_DOWN) {
      return; // the same announcement arrives once per link
    }
    p.shutdownIncarnation = s.incarnation();
    p.held = List.of();
    p.state.moveTo(PeerState.SHUT_DOWN, now, "partner shutdown", Epoch.ZERO);
    events.emit(new ClusterEvent.PartnerShutdown(self, p.id));
  }

  private void heard(PeerTracker p, LinkId link, long now, boolean revives) {
    PeerTracker.Link l = p.links.get(link);
    l.lastHeardNanos = now;
    PeerState s = p.state.state();
    if (s == PeerState.SHUT_DOWN && !revives) {
      return; // stragglers from a node that said goodbye do not bring it back
    }
    if (l.state.state() != LinkState.UP) {
      l.state.moveTo(LinkState.UP, now, "heard", Epoch.ZERO);
      if (l.faulted && s == PeerState.ALIVE) {
        events.emit(new ClusterEvent.LinkRestored(self, p.id, link));
      }
      l.faulted = false;
    }
    if (s != PeerState.ALIVE) {
      p.state.moveTo(PeerState.ALIVE, now, "heard on " + link, Epoch.ZERO);
      if (s == PeerState.UNKNOWN || s == PeerState.FAILED || s == PeerState.SHUT_DOWN) {
        events.emit(new ClusterEvent.NodeUp(self, p.id));
      }
    }
  }

  private PeerTracker tracker(NodeId peer) {
    PeerTracker p = peers.get(peer);
    if (p == null) {
      throw new IllegalArgumentException("not a peer: " + peer);
    }
    return p;
  }

  /** Links to {@code peer} in name order (lease messages go over all of them). */
  public List<LinkId> linksTo(NodeId peer) {
    return new ArrayList<>(tracker(peer).links.keySet());
  }
}
