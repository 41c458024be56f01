package io.doppel.replication.transport;

import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.ReplicationMessage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ReplicaApplier} agents in production: the {@link ReplicaServer}'s inbound side. Each
 * resource's applier lives on one thread of an {@link OrderedExecutor}; its replies go to the
 * connection its primary last spoke on.
 */
public final class ReplicaHost implements ReplicaServer.Inbound, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaHost.class);

  private final OrderedExecutor executor;
  private final LongSupplier clock;
  private final TransportConfig config;
  private final Map<String, Agent> agents = new ConcurrentHashMap<>();
  private final Map<String, MessageSink> replyTo = new ConcurrentHashMap<>();

  /** A registered agent and its periodic tick (cancelled when the agent is replaced or retired). */
  private record Agent(ReplicaApplier applier, ScheduledFuture<?> tick) {}

  public ReplicaHost(OrderedExecutor executor, LongSupplier clock, TransportConfig config) {
    this.executor = executor;
    this.clock = clock;
    this.config = config;
  }

  /** The sink to give the resource's {@link ReplicaApplier}: the latest primary connection. */
  public MessageSink replySink(String resource) {
    return m -> {
      MessageSink s = replyTo.get(resource);
      if (s != null) {
        s.send(m);
      }
    };
  }

  /**
   * Runs {@code applier} for {@code resource}, replacing (and stopping the ticks of) any agent
   * already registered for it. From the moment this returns only the new agent gets messages and
   * ticks: every delivery looks the agent up again on the resource's thread.
   */
  public void register(String resource, ReplicaApplier applier) {
    // Swap under the map's per-key lock so two concurrent registrations cannot both keep ticking.
    agents.compute(
        resource,
        (r, old) -> {
          if (old != null) {
            old.tick().cancel(false);
          }
          return new Agent(
              applier, executor.scheduleTicks(r, () -> tick(r, applier), config.tickNanos()));
        });
  }

  /**
   * Stops running {@code resource}'s agent (retired by a role change): its ticks are cancelled and
   * later messages for it are dropped. Idempotent.
   */
  public void unregister(String resource) {
    Agent old = agents.remove(resource);
    if (old != null) {
      old.tick().cancel(false);
      replyTo.remove(resource);
    }
  }

  /** The agent registered for {@code resource} (resource thread), or null. */
  private ReplicaApplier current(String resource) {
    Agent a = agents.get(resource);
    return a == null ? null : a.applier();
  }

  private void tick(String resource, ReplicaApplier applier) {
    if (current(resource) != applier) {
      return; // replaced or unregistered while this tick was already queued
    }
    try {
      applier.doWork(clock.getAsLong());
    } catch (RuntimeException e) {
      log.error("replica agent failed resource={}", resource, e);
    }
  }

  @Override
  public void onMessage(ReplicationMessage m, MessageSink reply) {
    if (!agents.containsKey(m.resource())) {
      return; // not a resource this node replicates; the primary keeps probing
    }
    executor.execute(
        m.resource(),
        () -> {
          // Looked up here, not when queued: a message must not reach an agent retired meanwhile.
          ReplicaApplier applier = current(m.resource());
          if (applier != null) {
            replyTo.put(m.resource(), reply);
            applier.onMessage(m, clock.getAsLong());
          }
        });
  }

  /**
   * Runs {@code f} on the resource's thread (status, tests) with the agent registered there then,
   * or null when none is.
   */
  public <T> CompletableFuture<T> call(String resource, Function<ReplicaApplier, T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    executor.execute(
        resource,
        () -> {
          try {
            out.complete(f.apply(current(resource)));
          } catch (RuntimeException e) {
            out.completeExceptionally(e);
          }
        });
    return out;
  }

  @Override
  public void close() {
    agents.values().forEach(a -> a.tick().cancel(false));
  }
}
