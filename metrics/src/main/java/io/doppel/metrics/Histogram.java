package io.doppel.metrics;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Cumulative-bucket histogram (e.g. request latency in seconds). */
public final class Histogram implements Metric {
  private final String name;
  private final String help;
  private final Map<String, String> labels;
  private final double[] upperBounds;
  private final AtomicLongArray buckets;
  private final LongAdder count = new LongAdder();
  private final DoubleAdder sum = new DoubleAdder();

  Histogram(String name, String help, Map<String, String> labels, double[] upperBounds) {
    for (int i = 1; i < upperBounds.length; i++) {
      if (upperBounds[i] <= upperBounds[i - 1]) {
        throw new IllegalArgumentException("bucket bounds must ascend: " + name);
      }
    }
    this.name = name;
    this.help = help;
    this.labels = Map.copyOf(labels);
    this.upperBounds = upperBounds.clone();
    this.buckets = new AtomicLongArray(upperBounds.length);
  }

  public void observe(double value) {
    for (int i = 0; i < upperBounds.length; i++) {
      if (value <= upperBounds[i]) {
        buckets.incrementAndGet(i);
        break;
      }
    }
    count.increment();
    sum.add(value);
  }

  public long count() {
    return count.sum();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String help() {
    return help;
  }

  @Override
  public Map<String, String> labels() {
    return labels;
  }

  @Override
  public String type() {
    return "histogram";
  }

  @Override
  public void writeSamples(StringBuilder out) {
    long cumulative = 0;
    for (int i = 0; i < upperBounds.length; i++) {
      cumulative += buckets.get(i);
      out.append(name).append("_bucket");
      out.append(Metric.labelText(labels, "le", Metric.number(upperBounds[i])));
      out.append(' ').append(cumulative).append('\n');
    }
    long total = count.sum();
    out.append(name).append("_bucket").append(Metric.labelText(labels, "le", "+Inf"));
    out.append(' ').append(total).append('\n');
    out.append(name).append("_sum").append(Metric.labelText(labels, null, null));
    out.append(' ').append(sum.sum()).append('\n');
    out.append(name).append("_count").append(Metric.labelText(labels, null, null));
    out.append(' ').append(total).append('\n');
  }
}
