package io.doppel.metrics;

import java.util.Map;
import java.util.function.DoubleSupplier;

/** A value sampled when scraped. */
record Gauge(String name, String help, Map<String, String> labels, DoubleSupplier value)
    implements Metric {
  Gauge {
    labels = Map.copyOf(labels);
  }

  @Override
  public String type() {
    return "gauge";
  }

  @Override
  public void writeSamples(StringBuilder out) {
    out.append(name).append(Metric.labelText(labels, null, null)).append(' ');
    out.append(Metric.number(value.getAsDouble())).append('\n');
  }
}
