package io.doppel.cluster.events;

import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.EventSink;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to {@link EnvelopeSink}s without blocking the publisher (the cluster agent
 * thread): {@link #emit}/{@link #publish} stamp the event with time and sequence number and put it
 * in a bounded queue; when the queue is full the event is dropped, counted ({@code
 * doppel_events_dropped_total{sink="bus",reason="queue_full"}}) and logged. One dispatcher thread,
 * made by the given {@link ThreadFactory}, delivers queued events to every sink in order.
 *
 * <p>Lifecycle: construct, {@link #addSink} the sinks, {@link #start()}, {@link #close()} (delivers
 * what is queued, then closes the sinks it was given).
 */
public final class EventBus implements EventSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /** Queued by {@link #close()} after the last event: the dispatcher stops when it takes it. */
  private static final EventEnvelope STOP =
      new EventEnvelope("STOP", Instant.EPOCH, "", 0, Map.of());

  private final String node;
  private final InstantSource clock;
  private final ThreadFactory threads;
  private final EventsStats stats;
  private final BlockingQueue<EventEnvelope> queue;
  private final List<EnvelopeSink> sinks = new CopyOnWriteArrayList<>();
  private final Object publishLock = new Object();
  private final Set<String> loggedFailures = new HashSet<>(); // dispatcher thread only
  private long nextSeq = 1;
  private long overflows;
  private volatile boolean closing;
  private Thread dispatcher;

  /**
   * @param node this node's name, the envelope's {@code node} for events without a reporter
   * @param capacity how many events may wait for the dispatcher before new ones are dropped
   */
  public EventBus(
      String node, InstantSource clock, ThreadFactory threads, int capacity, EventsStats stats) {
    if (capacity < 1) {
      throw new IllegalArgumentException("event queue capacity must be >= 1: " + capacity);
    }
    this.node = node;
    this.clock = clock;
    this.threads = threads;
    this.stats = stats;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Adds a sink; events published from then on reach it. The bus closes it on {@link #close}. */
  public EventBus addSink(EnvelopeSink sink) {
    sinks.add(sink);
    return this;
  }

  /** Starts the dispatcher thread. */
  public synchronized void start() {
    if (dispatcher != null) {
      throw new IllegalStateException("event bus already started");
    }
    dispatcher = threads.newThread(this::dispatch);
    dispatcher.start();
    log.info(
        "event bus started node={} sinks={} capacity={}", node, names(), queue.remainingCapacity());
  }

  /** Cluster agents' entry point: never blocks. */
  @Override
  public void emit(ClusterEvent event) {
    publish(ClusterEvents.adapt(event));
  }

  /**
   * Publishes an event of any module: never blocks.
   *
   * @return false if it was dropped (queue full or bus closed)
   */
  public boolean publish(DoppelEvent event) {
    if (closing) {
      stats.dropped("bus", "closed");
      return false;
    }
    long overflowed;
    synchronized (publishLock) {
      // seq and queue order agree because both are decided under the lock; offer never blocks.
      // A dropped event consumes its number too: subscribers see the gap.
      EventEnvelope envelope = EventEnvelope.of(event, clock.instant(), node, nextSeq++);
      if (queue.offer(envelope)) {
        stats.published(envelope.type());
        return true;
      }
      overflowed = ++overflows;
    }
    stats.dropped("bus", "queue_full");
    if (Long.bitCount(overflowed) == 1) { // 1, 2, 4, 8...: visible without flooding the log
      log.warn(
          "event queue full, event dropped type={} dropped_total={}", event.type(), overflowed);
    }
    return false;
  }

  /** Events waiting for the dispatcher. */
  public int queued() {
    return queue.size();
  }

  private void dispatch() {
    try {
      for (EventEnvelope e = queue.take(); e != STOP; e = queue.take()) {
        deliver(e);
      }
    } catch (InterruptedException e) {
      log.warn("event dispatcher interrupted, undelivered={}", queue.size());
    }
  }

  private void deliver(EventEnvelope event) {
    for (EnvelopeSink sink : sinks) {
      try {
        sink.deliver(event);
      } catch (RuntimeException e) {
        stats.sinkError(sink.name());
        if (loggedFailures.add(sink.name())) { // the stack once per sink; then the count says it
          log.error(
              "event sink failed sink={} type={} seq={}",
              sink.name(),
              event.type(),
              event.seq(),
              e);
        } else {
          log.warn(
              "event sink failed sink={} type={} seq={} error={}",
              sink.name(),
              event.type(),
              event.seq(),
              e.toString());
        }
      }
    }
  }

  /** Delivers the queued events, stops the dispatcher and closes the sinks. */
  @Override
  public void close() {
    closing = true;
    Thread t;
    synchronized (this) {
      t = dispatcher;
    }
    if (t != null) {
      // A marker, not an interrupt: interrupting a thread inside a channel write closes the
      // channel.
      try {
        if (queue.offer(STOP, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          t.join(CLOSE_WAIT.toMillis());
        } else {
          log.warn("event dispatcher did not drain its queue in {}", CLOSE_WAIT);
          t.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (EnvelopeSink sink : sinks) {
      try {
        sink.close();
      } catch (RuntimeException e) {
        log.warn("event sink close failed sink={}", sink.name(), e);
      }
    }
    log.info("event bus closed node={}", node);
  }

  private List<String> names() {
    return sinks.stream().map(EnvelopeSink::name).toList();
  }
}
