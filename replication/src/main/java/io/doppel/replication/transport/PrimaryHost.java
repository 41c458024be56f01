package io.doppel.replication.transport;

import io.doppel.replication.primary.FencedException;
import io.doppel.replication.primary.Offer;
import io.doppel.replication.primary.PrimaryStream;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link PrimaryStream} agents in production: each resource's stream lives on one thread of an
 * {@link OrderedExecutor}, ticked every {@link TransportConfig#tickNanos()}, fed by its replicas'
 * {@link PeerConnection}s. Front ends call {@link #replicate} from any thread.
 */
public final class PrimaryHost implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PrimaryHost.class);

  private final OrderedExecutor executor;
  private final LongSupplier clock;
  private final TransportConfig config;
  private final Map<String, PrimaryStream> streams = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> ticks = new ConcurrentHashMap<>();
  private final Map<String, Waiters> waiters = new ConcurrentHashMap<>();

  /**
   * @param clock monotonic nanoseconds (System::nanoTime in production; wiring passes it)
   */
  public PrimaryHost(OrderedExecutor executor, LongSupplier clock, TransportConfig config) {
    this.executor = executor;
    this.clock = clock;
    this.config = config;
  }

  /** Starts replicating {@code stream} to {@code replicas} (replica id → connection). */
  public void register(PrimaryStream stream, Map<String, PeerConnection> replicas) {
    String resource = stream.resource();
    streams.put(resource, stream);
    executor.execute(
        resource,
        () -> replicas.forEach((id, peer) -> stream.addReplica(id, peer, clock.getAsLong())));
    replicas.forEach(
        (id, peer) ->
            peer.register(
                resource,
                new PeerConnection.Listener() {
                  @Override
                  public void onConnected() {
                    executor.execute(resource, () -> stream.onConnected(id, clock.getAsLong()));
                  }

                  @Override
                  public void onDisconnected() {
                    executor.execute(resource, () -> stream.onDisconnected(id, clock.getAsLong()));
                  }

                  @Override
                  public void onMessage(ReplicationMessage m) {
                    executor.execute(resource, () -> stream.onMessage(id, m, clock.getAsLong()));
                  }
                }));
    ticks.put(resource, executor.scheduleTicks(resource, () -> tick(stream), config.tickNanos()));
  }

  private void tick(PrimaryStream stream) {
    try {
      stream.doWork(clock.getAsLong());
    } catch (RuntimeException e) {
      // One catch-all per agent: count-and-log once; the next tick tries again.
      log.error("primary agent failed resource={}", stream.resource(), e);
    }
  }

  /**
   * Applies a write locally and replicates it: on the resource's thread, once the stream can take a
   * record, calls {@code applyLocally} with the record's seq (the front end applies the write with
   * that seq — marking the dirty map first — and returns its record), offers it and completes with
   * the seq when every in-sync replica acked {@code strength}. Back-pressure (a full window, a
   * catch-up's final hold) delays the local apply; it never grows memory.
   */
  public CompletableFuture<Long> replicate(
      String resource, LongFunction<Record> applyLocally, AckStrength strength) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    executor.execute(
        resource,
        () -> {
          Waiters w = waiters.computeIfAbsent(resource, r -> new Waiters());
          w.queue.addLast(() -> attempt(stream(resource), applyLocally, strength, result));
          drain(stream(resource), w);
        });
    return result;
  }

  /** Writers that must wait for the window, in arrival order (resource thread only). */
  private static final class Waiters {
    final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    boolean armed;
  }

  private void drain(PrimaryStream stream, Waiters w) {
    while (!w.queue.isEmpty() && (stream.canOffer() || stream.fenced())) {
      w.queue.pollFirst().run();
    }
    if (!w.queue.isEmpty() && !w.armed) {
      w.armed = true;
      stream
          .writable()
          .thenRun(
              () ->
                  executor.execute(
                      stream.resource(),
                      () -> {
                        w.armed = false;
                        drain(stream, w);
                      }));
    }
  }

  private void attempt(
      PrimaryStream stream,
      LongFunction<Record> applyLocally,
      AckStrength strength,
      CompletableFuture<Long> result) {
    if (stream.fenced()) {
      result.completeExceptionally(new FencedException(stream.resource(), stream.epoch(), 0));
      return;
    }
    Record record;
    try {
      record = applyLocally.apply(stream.lastSeq() + 1);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    switch (stream.offer(record, strength, clock.getAsLong())) {
      case Offer.Accepted a -> a.committed().whenComplete((seq, err) -> complete(result, seq, err));
      case Offer.Wait w -> result.completeExceptionally(new IllegalStateException("offer waited"));
      case Offer.Fenced f ->
          result.completeExceptionally(
              new FencedException(stream.resource(), stream.epoch(), f.newerEpoch()));
    }
  }

  private static void complete(CompletableFuture<Long> result, Long seq, Throwable err) {
    if (err != null) {
      result.completeExceptionally(err);
    } else {
      result.complete(seq);
    }
  }

  /** Runs {@code f} on the resource's thread (status, operator commands). */
  public <T> CompletableFuture<T> call(String resource, Function<PrimaryStream, T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    executor.execute(
        resource,
        () -> {
          try {
            out.complete(f.apply(stream(resource)));
          } catch (RuntimeException e) {
            out.completeExceptionally(e);
          }
        });
    return out;
  }

  private PrimaryStream stream(String resource) {
    PrimaryStream s = streams.get(resource);
    if (s == null) {
      throw new IllegalArgumentException("no primary stream for " + resource);
    }
    return s;
  }

  /**
   * Stops running {@code resource}'s stream (the volume was demoted): its ticks stop and later
   * {@link #replicate}/{@link #call} for it fail until a new stream is registered.
   */
  public void unregister(String resource) {
    ScheduledFuture<?> t = ticks.remove(resource);
    if (t != null) {
      t.cancel(false);
    }
    streams.remove(resource);
    waiters.remove(resource);
  }

  @Override
  public void close() {
    ticks.values().forEach(t -> t.cancel(false));
  }
}
