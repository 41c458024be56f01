package io.doppel.metrics;

import java.util.Map;

/** One named instrument with fixed labels. */
sealed interface Metric permits Counter, Gauge, Histogram {
  String name();

  String help();

  Map<String, String> labels();

  /** "counter", "gauge" or "histogram". */
  String type();

  void writeSamples(StringBuilder out);

  /** Formats {@code {k="v",...}} with Prometheus escaping, plus optional extra label. */
  static String labelText(Map<String, String> labels, String extraKey, String extraValue) {
    if (labels.isEmpty() && extraKey == null) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    labels.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> appendLabel(b, e.getKey(), e.getValue()));
    if (extraKey != null) {
      appendLabel(b, extraKey, extraValue);
    }
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }

  private static void appendLabel(StringBuilder b, String key, String value) {
    b.append(key).append("=\"");
    b.append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
    b.append("\",");
  }

  static String number(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
