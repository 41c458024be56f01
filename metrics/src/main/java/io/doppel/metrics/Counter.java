package io.doppel.metrics;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count. */
public final class Counter implements Metric {
  private final String name;
  private final String help;
  private final Map<String, String> labels;
  private final LongAdder value = new LongAdder();

  Counter(String name, String help, Map<String, String> labels) {
    this.name = name;
    this.help = help;
    this.labels = Map.copyOf(labels);
  }

  public void increment() {
    value.increment();
  }

  public void add(long n) {
    value.add(n);
  }

  public long get() {
    return value.sum();
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
    return "counter";
  }

  @Override
  public void writeSamples(StringBuilder out) {
    out.append(name).append(Metric.labelText(labels, null, null)).append(' ');
    out.append(get()).append('\n');
  }
}
