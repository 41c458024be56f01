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
  private final Map<String, ReplicaApplier> appliers = new ConcurrentHashMap<>();
  private final Map<String, MessageSink> replyTo = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> ticks = new ConcurrentHashMap<>();

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

  public void register(String resource, ReplicaApplier applier) {
    appliers.put(resource, applier);
    ticks.put(
        resource,
        executor.scheduleTicks(resource, () -> tick(resource, applier), config.tickNanos()));
  }

  private void tick(String resource, ReplicaApplier applier) {
    try {
      applier.doWork(clock.getAsLong());
    } catch (RuntimeException e) {
      log.error("replica agent failed resource={}", resource, e);
    }
  }

  @Override
  public void onMessage(ReplicationMessage m, MessageSink reply) {
    ReplicaApplier applier = appliers.get(m.resource());
    if (applier == null) {
      return; // not a resource this node replicates; the primary keeps probing
    }
    executor.execute(
        m.resource(),
        () -> {
          replyTo.put(m.resource(), reply);
          applier.onMessage(m, clock.getAsLong());
        });
  }

  /** Runs {@code f} on the resource's thread (status, tests). */
  public <T> CompletableFuture<T> call(String resource, Function<ReplicaApplier, T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    executor.execute(resource, () -> out.complete(f.apply(appliers.get(resource))));
    return out;
  }

  @Override
  public void close() {
    ticks.values().forEach(t -> t.cancel(false));
  }
}
