package io.doppel.cluster;

import io.doppel.cluster.lease.Fencer;
import io.doppel.cluster.lease.LeaseKeeper;
import io.doppel.cluster.lease.LeaseVoter;
import io.doppel.cluster.lease.PromotionGate;
import io.doppel.cluster.membership.MembershipAgent;
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
import io.doppel.cluster.state.RoleBook;
import io.doppel.cluster.state.RoleStateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;

/**
 * A storage node's cluster agent: membership, its vote, and one {@link LeaseKeeper} per resource it
 * may hold. Also the witness's agent when constructed for the witness (it holds no resource, so it
 * only heartbeats and votes). Single-threaded; see {@link ClusterAgent}.
 */
public final class NodeAgent implements ClusterAgent, LeaseView {
  private final NodeId self;
  private final MembershipAgent membership;
  private final LeaseVoter voter;
  private final RoleBook book;
  private final Transport transport;
  private final ClusterStats stats;
  private final ClusterDefinition definition;
  private final PromotionGate gate;
  private final Map<ResourceId, LeaseKeeper> keepers =
      new TreeMap<>(
          java.util.Comparator.comparing(ResourceId::kind).thenComparing(ResourceId::name));
  private final List<RoleListener> listeners = new CopyOnWriteArrayList<>();
  private boolean maintenance;

  /** Everything a node agent needs from outside; the clock is the {@code nowNanos} passed in. */
  public record Wiring(
      Transport transport,
      EventSink events,
      ClusterStats stats,
      RandomGenerator random,
      RoleStateStore store,
      Fencer fencer,
      PromotionGate gate) {}

  public NodeAgent(NodeId self, ClusterDefinition definition, Wiring w, long nowNanos)
      throws IOException {
    this.self = self;
    this.definition = definition;
    this.gate = w.gate();
    this.transport = w.transport();
    this.stats = w.stats();
    this.book = new RoleBook(w.store());
    boolean waitForRecovery =
        book.snapshot().resources().values().stream().anyMatch(s -> s.waitForRecovery());
    this.membership =
        new MembershipAgent(
            self,
            definition,
            w.transport(),
            w.events(),
            w.stats(),
            w.random(),
            nowNanos,
            waitForRecovery);
    this.voter = new LeaseVoter(self, definition, book, w.stats(), nowNanos);
    LeaseKeeper.KeeperContext ctx =
        new LeaseKeeper.KeeperContext(
            membership,
            voter,
            book,
            w.transport(),
            w.events(),
            w.stats(),
            w.random(),
            w.fencer(),
            w.gate(),
            listeners);
    for (ResourceSpec r : definition.resourcesOf(self)) {
      keepers.put(r.id(), new LeaseKeeper(r, definition, ctx, nowNanos));
    }
    membership.heldLeases(this::held);
  }

  private List<Held> held(long nowNanos) {
    List<Held> out = new ArrayList<>();
    for (LeaseKeeper k : keepers.values()) {
      if (k.isPrimary(nowNanos) && out.size() < io.doppel.cluster.message.MessageCodec.MAX_HELD) {
        out.add(new Held(k.resource(), k.epoch()));
      }
    }
    return out;
  }

  @Override
  public NodeId self() {
    return self;
  }

  @Override
  public int doWork(long nowNanos) {
    int work = membership.doWork(nowNanos);
    for (LeaseKeeper k : keepers.values()) {
      work += k.doWork(nowNanos);
    }
    return work;
  }

  @Override
  public void onMessage(NodeId from, LinkId link, Message message, long nowNanos) {
    stats.message("in", message.getClass().getSimpleName());
    if (!membership.peers().contains(from) || !membership.linksTo(from).contains(link)) {
      stats.decodeError(); // not a member, or a link we do not share with it: ignore
      return;
    }
    membership.onMessage(from, link, message, nowNanos);
    switch (message) {
      case Heartbeat h -> {}
      case PresenceProbe p -> {}
      case PresenceReply p -> {}
      case Shutdown s -> {}
      case LeaseRequest r -> {
        transport.send(from, link, voter.decide(r, nowNanos));
        Optional.ofNullable(keepers.get(r.resource()))
            .ifPresent(k -> k.onPeerRequest(from, nowNanos));
      }
      case LeaseGrant g -> keeper(g.resource()).ifPresent(k -> k.onReply(g, nowNanos));
      case LeaseRefuse r -> keeper(r.resource()).ifPresent(k -> k.onReply(r, nowNanos));
      case LeaseRelease r -> {
        voter.onRelease(r, nowNanos);
        keeper(r.resource()).ifPresent(k -> k.onReply(r, nowNanos));
      }
    }
  }

  private Optional<LeaseKeeper> keeper(ResourceId r) {
    LeaseKeeper k = keepers.get(r);
    if (k == null) {
      stats.stale();
    }
    return Optional.ofNullable(k);
  }

  @Override
  public void shutdown(long nowNanos) {
    for (LeaseKeeper k : keepers.values()) {
      k.shutdown(nowNanos);
    }
    membership.shutdown();
  }

  /** Manual failover ({@code doppel failover RESOURCE [--to NODE]}); false if not the holder. */
  public boolean requestFailover(ResourceId resource, Optional<NodeId> to, long nowNanos) {
    return keeper(resource).map(k -> k.requestFailover(to, nowNanos)).orElse(false);
  }

  /**
   * Hands {@code resource} over to the first node of its list that is alive, not in maintenance and
   * allowed by the promotion gate (the VIP manager's answer to an address it cannot add). False,
   * changing nothing, when this node does not hold it or no such successor exists: then releasing
   * would only leave the resource without any primary.
   */
  public boolean handOverToHealthySuccessor(ResourceId resource, long nowNanos) {
    Optional<LeaseKeeper> k = keeper(resource);
    if (k.isEmpty() || !k.get().isPrimary(nowNanos)) {
      return false;
    }
    for (NodeId n : definition.resource(resource).nodes()) {
      if (!n.equals(self)
          && membership.isAlive(n)
          && !membership.inMaintenance(n)
          && gate.mayHold(resource, n)) {
        return k.get().requestFailover(Optional.of(n), nowNanos);
      }
    }
    return false;
  }

  /** Maintenance mode: hand every role over and refuse roles until switched off. */
  public void maintenance(boolean on, long nowNanos) {
    maintenance = on;
    membership.maintenance(on);
    for (LeaseKeeper k : keepers.values()) {
      k.maintenance(on, nowNanos);
    }
  }

  /**
   * Replication's record of which nodes' replicas of {@code resource} are behind (persisted with
   * the role state; the {@link PromotionGate} reads it to keep them from promoting). False if the
   * state could not be saved.
   */
  public boolean markOutOfDate(ResourceId resource, java.util.Set<NodeId> nodes) {
    return book.update(resource, s -> s.withOutOfDate(nodes));
  }

  public boolean inMaintenance() {
    return maintenance;
  }

  public MembershipAgent membership() {
    return membership;
  }

  public LeaseVoter voter() {
    return voter;
  }

  public RoleBook book() {
    return book;
  }

  public Collection<LeaseKeeper> keepers() {
    return keepers.values();
  }

  public Optional<LeaseKeeper> keeperOf(ResourceId resource) {
    return Optional.ofNullable(keepers.get(resource));
  }

  @Override
  public boolean isPrimary(ResourceId resource, long nowNanos) {
    LeaseKeeper k = keepers.get(resource);
    return k != null && k.isPrimary(nowNanos);
  }

  @Override
  public Epoch epoch(ResourceId resource) {
    LeaseKeeper k = keepers.get(resource);
    return k == null ? voter.promisedEpoch(resource) : k.epoch();
  }

  @Override
  public Optional<Long> validUntilNanos(ResourceId resource) {
    LeaseKeeper k = keepers.get(resource);
    return k == null ? Optional.empty() : k.validUntilNanos();
  }

  @Override
  public void subscribe(RoleListener listener) {
    listeners.add(listener);
  }
}
