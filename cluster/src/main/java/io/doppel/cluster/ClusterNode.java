package io.doppel.cluster;

import io.doppel.cluster.lease.Fencer;
import io.doppel.cluster.lease.PromotionGate;
import io.doppel.cluster.state.RoleStateStore;
import io.doppel.cluster.udp.UdpTransport;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Runs a member's {@link NodeAgent} for real: one Netty event loop thread owns the agent, the UDP
 * sockets and a {@code doWork} tick every {@link #TICK_MILLIS} ms, so the agent stays
 * single-threaded (STYLE.md, Aeron agent). Other threads read {@link #leases()} (a published
 * snapshot) or run commands on the loop through {@link #call} (the agent's proxy).
 */
public final class ClusterNode implements AutoCloseable {
  /** How often {@code doWork} runs. */
  public static final long TICK_MILLIS = 5;

  private final NioEventLoopGroup group;
  private final EventLoop loop;
  private final LongSupplier clock;
  private final PublishedLeases published = new PublishedLeases();
  private UdpTransport transport;
  private NodeAgent agent;
  private volatile boolean closed;

  private ClusterNode(NodeId self, LongSupplier clock) {
    // The runner is the one place that owns a real thread for the agent.
    java.util.concurrent.ThreadFactory threads =
        r -> new Thread(r, "doppel-cluster-" + self); // forbidden-apis: allowed (runner)
    this.group = new NioEventLoopGroup(1, threads);
    this.loop = group.next();
    this.clock = clock;
  }

  /** Binds the links, loads the role state and starts the agent. */
  public static ClusterNode start(
      ClusterDefinition definition,
      NodeId self,
      RoleStateStore store,
      EventSink events,
      ClusterStats stats,
      Fencer fencer,
      PromotionGate gate,
      RandomGenerator random,
      LongSupplier clock)
      throws IOException, InterruptedException {
    ClusterNode node = new ClusterNode(self, clock);
    try {
      node.transport =
          UdpTransport.bind(
              definition, self, node.loop, (from, link, m) -> node.onMessage(from, link, m), stats);
      NodeAgent.Wiring w =
          new NodeAgent.Wiring(node.transport, events, stats, random, store, fencer, gate);
      node.agent = node.onLoop(() -> new NodeAgent(self, definition, w, clock.getAsLong()));
      node.loop.scheduleAtFixedRate(node::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (IOException | InterruptedException | RuntimeException e) {
      node.kill();
      throw e;
    }
    return node;
  }

  private interface IoCallable<T> {
    T call() throws IOException;
  }

  private <T> T onLoop(IoCallable<T> c) throws IOException, InterruptedException {
    try {
      return loop.submit(c::call).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void tick() {
    if (agent != null && !closed) {
      agent.doWork(clock.getAsLong());
      published.publish(agent);
    }
  }

  private void onMessage(NodeId from, LinkId link, io.doppel.cluster.message.Message m) {
    if (agent != null && !closed) {
      agent.onMessage(from, link, m, clock.getAsLong());
      published.publish(agent);
    }
  }

  /** The lease view for other threads (front ends): a snapshot refreshed every tick. */
  public LeaseView leases() {
    return published;
  }

  /** Runs {@code command} on the agent thread (the proxy of STYLE.md). */
  public <T> CompletableFuture<T> call(Function<NodeAgent, T> command) {
    CompletableFuture<T> f = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            f.complete(command.apply(agent));
          } catch (RuntimeException e) {
            f.completeExceptionally(e);
          }
        });
    return f;
  }

  /** Manual failover from this node; completes false if it did not hold the role. */
  public CompletableFuture<Boolean> requestFailover(ResourceId r, Optional<NodeId> to) {
    return call(a -> a.requestFailover(r, to, clock.getAsLong()));
  }

  /** Graceful shutdown: hand over roles, tell the peers (seed 003), then stop. */
  @Override
  public void close() {
    if (!closed) {
      try {
        call(a -> {
              a.shutdown(clock.getAsLong());
              closed = true;
              return null;
            })
            .get(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // still stop below: a node that cannot say goodbye is simply a failed node
      }
    }
    kill();
  }

  /** Stops at once without a goodbye, like a crash (for tests). */
  public void kill() {
    closed = true;
    if (transport != null) {
      loop.execute(transport::close);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** A thread-safe copy of the agent's leases, replaced (never mutated) after every step. */
  private static final class PublishedLeases implements LeaseView {
    private record Lease(Epoch epoch, long validUntilNanos, boolean primary) {}

    private volatile Map<ResourceId, Lease> leases = Map.of();
    private final List<RoleListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean subscribed;

    void publish(NodeAgent agent) {
      if (!subscribed) {
        subscribed = true;
        agent.subscribe((r, from, to, e) -> listeners.forEach(l -> l.roleChanged(r, from, to, e)));
      }
      Map<ResourceId, Lease> next = new HashMap<>();
      for (var k : agent.keepers()) {
        Optional<Long> until = k.validUntilNanos();
        next.put(k.resource(), new Lease(k.epoch(), until.orElse(0L), until.isPresent()));
      }
      leases = Map.copyOf(next);
    }

    @Override
    public boolean isPrimary(ResourceId resource, long nowNanos) {
      Lease l = leases.get(resource);
      return l != null && l.primary && nowNanos < l.validUntilNanos;
    }

    @Override
    public Epoch epoch(ResourceId resource) {
      Lease l = leases.get(resource);
      return l == null ? Epoch.ZERO : l.epoch;
    }

    @Override
    public Optional<Long> validUntilNanos(ResourceId resource) {
      Lease l = leases.get(resource);
      return l == null || !l.primary ? Optional.empty() : Optional.of(l.validUntilNanos);
    }

    @Override
    public void subscribe(RoleListener listener) {
      listeners.add(listener);
    }
  }
}
