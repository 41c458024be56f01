package io.doppel.server.node;

import io.doppel.cluster.ClusterNode;
import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeAgent;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.events.EventBus;
import io.doppel.cluster.events.EventPipeline;
import io.doppel.cluster.lease.Fencer;
import io.doppel.cluster.lease.LeaseKeeper;
import io.doppel.cluster.lease.PromotionGate;
import io.doppel.cluster.membership.MembershipAgent;
import io.doppel.cluster.state.FileRoleStateStore;
import io.doppel.cluster.vip.HookFencer;
import io.doppel.cluster.vip.ProcessCommandRunner;
import io.doppel.cluster.vip.VipFailurePolicy;
import io.doppel.cluster.vip.VipManager;
import io.doppel.cluster.vip.VirtualAddress;
import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.AdminActions;
import io.doppel.server.admin.ClusterStatus;
import io.doppel.server.config.ClusterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's member of the cluster: the {@link ClusterNode} (UDP heartbeats, leases, roles)
 * with its role state in {@code state_dir/role-state}, the fencing hook, and for storage nodes the
 * {@link VipManager} that moves the virtual servers' addresses with their primary role. The witness
 * runs the same agent (it holds no resources, so it only heartbeats and votes).
 *
 * <p>The {@link PromotionGate} allows every node for now: replication's out-of-date tracking is not
 * wired yet, so a node with a stale replica could be promoted (only VIPs move today).
 */
public final class ClusterWiring implements AutoCloseable, AdminActions {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWiring.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  private final NodeId self;
  private final ClusterConfig config;
  private final LongSupplier clock;
  private final ExecutorService fencing;
  private ClusterNode node;
  private VipManager vip;
  private EventBus events;

  private ClusterWiring(NodeId self, ClusterConfig config, LongSupplier clock) {
    this.self = self;
    this.config = config;
    this.clock = clock;
    this.fencing =
        Executors.newCachedThreadPool(
            Thread.ofPlatform().name("doppel-fence-", 0).daemon().factory());
  }

  /** Binds the links and starts the agent (and the VIP manager on storage nodes). */
  public static ClusterWiring start(
      String nodeName, ClusterConfig config, MetricRegistry metrics, RandomGenerator random)
      throws IOException {
    NodeId self = new NodeId(nodeName);
    // The runtime shell: the agents get time as nanos from here (STYLE.md).
    ClusterWiring w = new ClusterWiring(self, config, System::nanoTime);
    try {
      w.open(metrics, random);
    } catch (IOException | RuntimeException e) {
      w.close();
      throw e;
    }
    return w;
  }

  private void open(MetricRegistry metrics, RandomGenerator random) throws IOException {
    Files.createDirectories(config.stateDir());
    boolean witness = config.definition().isWitness(self);
    Fencer fencer =
        config
            .fencingHook()
            .<Fencer>map(
                h ->
                    new HookFencer(h, new ProcessCommandRunner(), config.fencingTimeout(), fencing))
            .orElse(Fencer.NONE);
    // Registered applications (seed 003): JSON lines on the socket, hooks, SNMP traps, the log.
    events =
        EventPipeline.start(
            self.name(),
            config.events(),
            InstantSource.system(),
            Thread.ofPlatform().name("doppel-events-", 0).daemon().factory(),
            metrics);
    try {
      node =
          ClusterNode.start(
              config.definition(),
              self,
              new FileRoleStateStore(config.stateDir().resolve("role-state")),
              events,
              new ClusterStats(metrics),
              fencer,
              PromotionGate.ALWAYS,
              random,
              clock);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the cluster agent", e);
    }
    if (!witness && !config.addresses().isEmpty()) {
      vip = startVip(metrics);
    }
    LOG.info(
        "event=cluster_started node={} witness={} members={} resources={} addresses={}",
        self,
        witness,
        config.definition().members().size(),
        config.definition().resourcesOf(self).size(),
        config.addresses().size());
  }

  /** The manager that moves the virtual addresses with their roles (storage nodes only). */
  private VipManager startVip(MetricRegistry metrics) {
    // An address this node cannot add: VIP_FAILED, then the role goes to a healthy successor
    // (cluster/DESIGN.md "Virtual IPs"); the agent decides on its own thread.
    VipFailurePolicy failures =
        new VipFailurePolicy(
            self,
            events,
            r -> awaitQuietly(node.call(a -> a.handOverToHealthySuccessor(r, clock.getAsLong()))),
            VipFailurePolicy.DEFAULT_FAILURES_BEFORE_RELEASE,
            VipFailurePolicy.DEFAULT_RELEASE_COOLDOWN);
    return new VipManager(
            config.addresses(),
            config.vipCommands(),
            new ProcessCommandRunner(),
            node.leases(),
            clock,
            config.vipCommandTimeout(),
            Duration.ofMillis(20),
            config.vipCheckInterval(),
            failures,
            metrics,
            Thread.ofPlatform().name("doppel-vip").daemon().factory())
        .start();
  }

  /** What this node sees of the cluster; a short wait on the agent thread. */
  public ClusterStatus status() {
    Set<ResourceId> held = vip == null ? Set.of() : vip.held();
    try {
      return node.call(a -> snapshot(a, held)).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cluster agent did not answer: " + e, e);
    }
  }

  private ClusterStatus snapshot(NodeAgent a, Set<ResourceId> held) {
    long now = clock.getAsLong();
    MembershipAgent m = a.membership();
    List<ClusterStatus.PeerStatus> peers = new ArrayList<>();
    for (NodeId p : m.peers().stream().sorted().toList()) {
      Map<String, String> links = new LinkedHashMap<>();
      for (LinkId l : m.linksTo(p)) {
        links.put(l.name(), m.linkState(p, l).name());
      }
      peers.add(new ClusterStatus.PeerStatus(p.name(), m.peerState(p).name(), links));
    }
    List<ClusterStatus.ResourceStatus> resources = new ArrayList<>();
    for (LeaseKeeper k : a.keepers()) {
      ResourceId r = k.resource();
      var saved = a.book().get(r); // the persisted role state (seed 003 "wait for recovery")
      boolean primary = k.isPrimary(now);
      String holder =
          primary ? self.name() : m.advertisedHolder(r, now).map(h -> h.holder().name()).orElse("");
      long remaining = k.validUntilNanos().map(u -> Math.max(0, u - now) / 1_000_000).orElse(0L);
      String address =
          config.addresses().stream()
              .filter(v -> v.resource().equals(r))
              .map(VirtualAddress::cidr)
              .findFirst()
              .orElse("");
      resources.add(
          new ClusterStatus.ResourceStatus(
              r.toString(),
              k.role().name(),
              k.epoch().value(),
              holder,
              remaining,
              address,
              held.contains(r),
              saved.waitForRecovery(),
              saved.outOfDate().stream().map(NodeId::name).toList()));
    }
    boolean witness = config.definition().isWitness(self);
    return new ClusterStatus(self.name(), witness, a.inMaintenance(), peers, resources);
  }

  @Override
  public Result failover(String resource, Optional<String> to) {
    Optional<ResourceId> id = resolve(resource);
    if (id.isEmpty()) {
      return new Result(404, "unknown resource " + resource);
    }
    Optional<NodeId> target = to.map(NodeId::new);
    if (target.isPresent()
        && !config.definition().resource(id.get()).nodes().contains(target.get())) {
      return new Result(400, "node " + to.get() + " cannot hold " + id.get());
    }
    boolean done = await(node.requestFailover(id.get(), target));
    return done
        ? new Result(200, "released " + id.get() + to.map(n -> " to " + n).orElse(""))
        : new Result(409, "this node (" + self + ") is not the primary of " + id.get());
  }

  @Override
  public Result maintenance(boolean on) {
    await(
        node.call(
            a -> {
              a.maintenance(on, clock.getAsLong());
              return true;
            }));
    return new Result(200, "maintenance " + (on ? "on" : "off") + " on " + self);
  }

  private Optional<ResourceId> resolve(String text) {
    for (var r : config.definition().resourcesOf(self)) {
      if (r.id().name().equals(text) || r.id().toString().equals(text)) {
        return Optional.of(r.id());
      }
    }
    return Optional.empty();
  }

  /** As {@link #await}, but false instead of an exception (the VIP thread must go on). */
  private static boolean awaitQuietly(java.util.concurrent.CompletableFuture<Boolean> f) {
    try {
      return await(f);
    } catch (IllegalStateException e) {
      LOG.warn("event=vip_release_unanswered error={}", e.toString());
      return false;
    }
  }

  private static boolean await(java.util.concurrent.CompletableFuture<Boolean> f) {
    try {
      return f.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cluster agent did not answer: " + e, e);
    }
  }

  /** The lease view of this node (front ends ask it before writes). */
  public io.doppel.cluster.LeaseView leases() {
    return node.leases();
  }

  /** Hands roles over and says goodbye (seed 003), then removes any address still held. */
  @Override
  public void close() {
    if (node != null) {
      node.close();
    }
    if (vip != null) {
      vip.close();
    }
    if (events != null) {
      events.close(); // delivers what is queued (e.g. the shutdown's own events), then closes sinks
    }
    fencing.shutdownNow();
  }

  /** The events socket applications subscribe to (for {@code doppel events}). */
  public java.util.Optional<java.nio.file.Path> eventsSocket() {
    return config.events().socket();
  }
}
