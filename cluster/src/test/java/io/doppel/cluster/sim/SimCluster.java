package io.doppel.cluster.sim;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeAgent;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.NodeSpec;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.lease.Fencer;
import io.doppel.cluster.lease.PromotionGate;
import io.doppel.cluster.message.Message;
import io.doppel.cluster.state.InMemoryRoleStateStore;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * A whole cluster on one thread and a simulated clock: the production {@link NodeAgent}s (the
 * witness too), per-member drifting clocks, a lossy network, crashes and restarts that keep only
 * what the {@link InMemoryRoleStateStore} saved. {@link LeaseInvariants} runs after every event.
 */
final class SimCluster {
  static final long MS = 1_000_000L;
  static final long TICK_NANOS = 10 * MS;

  /** One simulated machine. */
  final class Member {
    final NodeId id;
    final SimClock clock;
    final InMemoryRoleStateStore store = new InMemoryRoleStateStore();
    final MetricRegistry metrics = new MetricRegistry();
    NodeAgent agent;
    int incarnation;
    long downSinceReal;

    Member(NodeId id, SimClock clock) {
      this.id = id;
      this.clock = clock;
    }

    long localNow() {
      return clock.local(scheduler.now());
    }

    boolean up() {
      return agent != null;
    }
  }

  /** An event an agent emitted, with the global time. */
  record Emitted(long realNanos, ClusterEvent event) {}

  final ClusterDefinition definition;
  final SimScheduler scheduler = new SimScheduler();
  final SplittableRandom random;
  final SimNetwork network;
  final Map<NodeId, Member> members = new LinkedHashMap<>();
  final List<Emitted> events = new ArrayList<>();
  final LeaseInvariants invariants;
  double fenceSuccessRate = 1.0;

  /** Once healed, fencing fails instead of powering anyone off (liveness phase). */
  boolean healed;

  long maxDriftPpm;

  SimCluster(long seed, ClusterDefinition definition, long maxDriftPpm) {
    this.definition = definition;
    this.random = new SplittableRandom(seed);
    this.maxDriftPpm = maxDriftPpm;
    this.network = new SimNetwork(scheduler, random.split(), this::deliver);
    for (NodeSpec n : definition.members()) {
      long ppm = maxDriftPpm == 0 ? 0 : random.nextLong(-maxDriftPpm, maxDriftPpm + 1);
      members.put(n.id(), new Member(n.id(), new SimClock(ppm, random.nextLong(1L << 40))));
    }
    this.invariants = new LeaseInvariants(this);
    members.values().forEach(this::start);
  }

  Member member(NodeId id) {
    return members.get(id);
  }

  long now() {
    return scheduler.now();
  }

  void runFor(long nanos) {
    runUntil(scheduler.now() + nanos);
  }

  void runUntil(long realNanos) {
    scheduler.runUntil(realNanos, invariants::check);
  }

  private void start(Member m) {
    m.incarnation++;
    m.clock.reboot(random.nextLong(1L << 40));
    NodeAgent.Wiring w =
        new NodeAgent.Wiring(
            (to, link, msg) -> network.send(m.id, to, link, msg),
            e -> events.add(new Emitted(scheduler.now(), e)),
            new ClusterStats(m.metrics),
            random.split(),
            m.store,
            fencerFor(m),
            PromotionGate.ALWAYS);
    try {
      m.agent = new NodeAgent(m.id, definition, w, m.localNow());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int inc = m.incarnation;
    scheduler.after(random.nextLong(TICK_NANOS), () -> tick(m, inc));
  }

  private void tick(Member m, int inc) {
    if (m.agent == null || m.incarnation != inc) {
      return;
    }
    m.agent.doWork(m.localNow());
    scheduler.after(TICK_NANOS - MS / 2 + random.nextLong(MS), () -> tick(m, inc));
  }

  private void deliver(NodeId from, NodeId to, LinkId link, Message msg) {
    Member m = members.get(to);
    if (m.agent != null) {
      m.agent.onMessage(from, link, msg, m.localNow());
    }
  }

  /** Simulated IPMI: powers the target off after a delay, or fails. */
  private Fencer fencerFor(Member by) {
    return target -> {
      CompletableFuture<Boolean> f = new CompletableFuture<>();
      boolean ok = random.nextDouble() < fenceSuccessRate;
      scheduler.after(
          50 * MS + random.nextLong(200 * MS),
          () -> {
            if (ok) {
              crash(target);
            }
            f.complete(ok);
          });
      return f;
    };
  }

  void crash(NodeId id) {
    Member m = members.get(id);
    if (m.agent != null) {
      if (Boolean.getBoolean("doppel.sim.debug")) {
        System.out.println(scheduler.now() / MS + "ms CRASH " + id);
      }
      invariants.onCrash(m);
      m.agent = null;
      m.incarnation++;
      m.downSinceReal = scheduler.now();
    }
  }

  void restart(NodeId id) {
    Member m = members.get(id);
    if (m.agent == null) {
      start(m);
    }
  }

  /** Graceful shutdown: roles handed over and goodbye said, then the process exits. */
  void shutdown(NodeId id) {
    Member m = members.get(id);
    if (m.agent != null) {
      m.agent.shutdown(m.localNow());
      invariants.check();
      crash(id);
    }
  }

  void isolate(NodeId id) {
    for (NodeSpec other : definition.members()) {
      for (LinkId l : definition.member(id).links().keySet()) {
        network.cut(id, other.id(), l);
        network.cut(other.id(), id, l);
      }
    }
  }

  void cutLink(NodeId a, NodeId b, LinkId l) {
    network.cut(a, b, l);
    network.cut(b, a, l);
  }

  void restoreLink(NodeId a, NodeId b, LinkId l) {
    network.restore(a, b, l);
    network.restore(b, a, l);
  }

  /** The node that holds a valid lease for {@code r} right now, if any. */
  Optional<NodeId> primaryOf(ResourceId r) {
    for (Member m : members.values()) {
      if (m.agent != null && m.agent.isPrimary(r, m.localNow())) {
        return Optional.of(m.id);
      }
    }
    return Optional.empty();
  }

  <T extends ClusterEvent> List<T> eventsOf(Class<T> type) {
    return events.stream().map(Emitted::event).filter(type::isInstance).map(type::cast).toList();
  }

  String describe() {
    StringBuilder b = new StringBuilder();
    for (Member m : members.values()) {
      b.append(m.id).append(m.up() ? " up" : " down");
      if (m.agent != null) {
        m.agent
            .keepers()
            .forEach(
                k ->
                    b.append(' ')
                        .append(k.resource())
                        .append('=')
                        .append(k.role())
                        .append('@')
                        .append(k.epoch()));
      }
      b.append("; ");
    }
    return b.append("cuts=")
        .append(network.cuts().size())
        .append(" loss=")
        .append(network.lossRate)
        .toString();
  }
}
