package io.doppel.cluster;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrics of one node's cluster agents.
 *
 * <ul>
 *   <li>{@code doppel_cluster_transitions_total{machine,to}}: state changes per enum and target
 *   <li>{@code doppel_cluster_messages_total{direction,type}}: messages sent and received
 *   <li>{@code doppel_cluster_stale_total}: lease messages refused or ignored for a stale epoch
 *   <li>{@code doppel_cluster_decode_errors_total}: datagrams dropped as malformed
 *   <li>{@code doppel_cluster_lease_grants_total} / {@code _refusals_total}: voter decisions
 * </ul>
 */
public final class ClusterStats {
  private final MetricRegistry registry;
  private final Map<String, Counter> dynamic = new ConcurrentHashMap<>();
  private final Counter stale;
  private final Counter decodeErrors;
  private final Counter grants;
  private final Counter refusals;

  public ClusterStats(MetricRegistry registry) {
    this.registry = registry;
    stale = registry.counter("doppel_cluster_stale_total", "Lease messages with a stale epoch");
    decodeErrors =
        registry.counter("doppel_cluster_decode_errors_total", "Malformed cluster datagrams");
    grants = registry.counter("doppel_cluster_lease_grants_total", "Lease grants given");
    refusals = registry.counter("doppel_cluster_lease_refusals_total", "Lease requests refused");
  }

  public MetricRegistry registry() {
    return registry;
  }

  void transition(String machine, String to) {
    dynamic
        .computeIfAbsent(
            "t/" + machine + "/" + to,
            k ->
                registry.counter(
                    "doppel_cluster_transitions_total",
                    "State machine transitions",
                    Map.of("machine", machine, "to", to)))
        .increment();
  }

  public void message(String direction, String type) {
    dynamic
        .computeIfAbsent(
            "m/" + direction + "/" + type,
            k ->
                registry.counter(
                    "doppel_cluster_messages_total",
                    "Cluster messages",
                    Map.of("direction", direction, "type", type)))
        .increment();
  }

  public long transitions(String machine, String to) {
    Counter c = dynamic.get("t/" + machine + "/" + to);
    return c == null ? 0 : c.get();
  }

  public void stale() {
    stale.increment();
  }

  public void decodeError() {
    decodeErrors.increment();
  }

  public void granted() {
    grants.increment();
  }

  public void refused() {
    refusals.increment();
  }

  public long decodeErrors() {
    return decodeErrors.get();
  }
}
