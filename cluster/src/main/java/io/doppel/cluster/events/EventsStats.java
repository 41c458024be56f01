package io.doppel.cluster.events;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Metrics of the event pipeline.
 *
 * <ul>
 *   <li>{@code doppel_events_total{type}}: events accepted by the bus
 *   <li>{@code doppel_events_dropped_total{sink,reason}}: events or subscribers dropped ({@code
 *       bus/queue_full}, {@code socket/slow_subscriber}, {@code hooks/busy})
 *   <li>{@code doppel_events_sink_errors_total{sink}}: unexpected exceptions in a sink
 *   <li>{@code doppel_events_hooks_total{result}}: hook runs by {@code ok}, {@code failed}, {@code
 *       timeout}, {@code error} (could not start)
 *   <li>{@code doppel_events_traps_total{result}}: SNMP traps {@code sent} / {@code failed}
 *   <li>{@code doppel_events_subscribers}: connected socket subscribers
 * </ul>
 */
public final class EventsStats {
  private final MetricRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final AtomicInteger subscribers = new AtomicInteger();

  public EventsStats(MetricRegistry registry) {
    this.registry = registry;
    registry.gauge(
        "doppel_events_subscribers",
        "Connected event socket subscribers",
        Map.of(),
        subscribers::get);
  }

  public MetricRegistry registry() {
    return registry;
  }

  void published(String type) {
    counter("doppel_events_total", "Events published", Map.of("type", type)).increment();
  }

  void dropped(String sink, String reason) {
    counter(
            "doppel_events_dropped_total",
            "Events or subscribers dropped",
            Map.of("sink", sink, "reason", reason))
        .increment();
  }

  void sinkError(String sink) {
    counter("doppel_events_sink_errors_total", "Exceptions in event sinks", Map.of("sink", sink))
        .increment();
  }

  void hook(String result) {
    counter("doppel_events_hooks_total", "Hook script runs", Map.of("result", result)).increment();
  }

  void trap(String result) {
    counter("doppel_events_traps_total", "SNMP traps", Map.of("result", result)).increment();
  }

  void subscriberAdded() {
    subscribers.incrementAndGet();
  }

  void subscriberRemoved() {
    subscribers.decrementAndGet();
  }

  /** Events of {@code type} published so far. */
  public long publishedCount(String type) {
    return get("doppel_events_total", Map.of("type", type));
  }

  public long droppedCount(String sink, String reason) {
    return get("doppel_events_dropped_total", Map.of("sink", sink, "reason", reason));
  }

  public long sinkErrorCount(String sink) {
    return get("doppel_events_sink_errors_total", Map.of("sink", sink));
  }

  public long hookCount(String result) {
    return get("doppel_events_hooks_total", Map.of("result", result));
  }

  public long trapCount(String result) {
    return get("doppel_events_traps_total", Map.of("result", result));
  }

  public int subscribers() {
    return subscribers.get();
  }

  private long get(String name, Map<String, String> labels) {
    Counter c = counters.get(key(name, labels));
    return c == null ? 0 : c.get();
  }

  private Counter counter(String name, String help, Map<String, String> labels) {
    return counters.computeIfAbsent(key(name, labels), k -> registry.counter(name, help, labels));
  }

  private static String key(String name, Map<String, String> labels) {
    return name + new TreeMap<>(labels);
  }
}
