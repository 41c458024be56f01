package io.doppel.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * The node's metrics. Components register their instruments once at construction (each component's
 * {@code *Stats} class documents its names); the admin endpoint renders them in the Prometheus text
 * format. Registration is rare and thread-safe; updates are lock-free.
 */
public final class MetricRegistry {
  private final List<Metric> metrics = new CopyOnWriteArrayList<>();

  /** A monotonically increasing count. Labels are fixed at registration. */
  public Counter counter(String name, String help, Map<String, String> labels) {
    Counter c = new Counter(name, help, labels);
    register(c);
    return c;
  }

  public Counter counter(String name, String help) {
    return counter(name, help, Map.of());
  }

  /** A value read when scraped (queue depth, lag, state code). */
  public void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value) {
    register(new Gauge(name, help, labels, value));
  }

  /** A latency or size distribution with the given upper bounds (ascending). */
  public Histogram histogram(
      String name, String help, Map<String, String> labels, double... upperBounds) {
    Histogram h = new Histogram(name, help, labels, upperBounds);
    register(h);
    return h;
  }

  private void register(Metric m) {
    if (!m.name().matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("invalid metric name: " + m.name());
    }
    metrics.add(m);
  }

  /** Removes every instrument whose labels contain all of {@code labels} (a closed export). */
  public void unregisterMatching(Map<String, String> labels) {
    metrics.removeIf(m -> m.labels().entrySet().containsAll(labels.entrySet()));
  }

  /** Renders every metric in the Prometheus text exposition format 0.0.4. */
  public String scrape() {
    StringBuilder out = new StringBuilder();
    List<String> described = new ArrayList<>();
    for (Metric m : metrics) {
      if (!described.contains(m.name())) {
        described.add(m.name());
        out.append("# HELP ")
            .append(m.name())
            .append(' ')
            .append(escapeHelp(m.help()))
            .append('\n');
        out.append("# TYPE ").append(m.name()).append(' ').append(m.type()).append('\n');
      }
      m.writeSamples(out);
    }
    return out.toString();
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
