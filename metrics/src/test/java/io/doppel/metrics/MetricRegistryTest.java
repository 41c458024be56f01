package io.doppel.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {
  @Test
  void rendersCountersGaugesAndHistogramsInTextFormat() {
    MetricRegistry r = new MetricRegistry();
    Counter c = r.counter("doppel_rpc_calls_total", "calls", Map.of("program", "nfs"));
    c.add(3);
    r.gauge("doppel_queue_depth", "depth", Map.of(), () -> 7);
    Histogram h = r.histogram("doppel_lat_seconds", "lat", Map.of(), 0.001, 0.01);
    h.observe(0.0005);
    h.observe(0.005);
    h.observe(1);
    String text = r.scrape();
    assertThat(text)
        .contains("# TYPE doppel_rpc_calls_total counter\n")
        .contains("doppel_rpc_calls_total{program=\"nfs\"} 3\n")
        .contains("doppel_queue_depth 7\n")
        .contains("doppel_lat_seconds_bucket{le=\"0.001\"} 1\n")
        .contains("doppel_lat_seconds_bucket{le=\"0.01\"} 2\n")
        .contains("doppel_lat_seconds_bucket{le=\"+Inf\"} 3\n")
        .contains("doppel_lat_seconds_count 3\n");
  }

  @Test
  void escapesLabelValuesAndRejectsBadNames() {
    MetricRegistry r = new MetricRegistry();
    r.counter("x_total", "h", Map.of("path", "a\"b\\c")).increment();
    assertThat(r.scrape()).contains("x_total{path=\"a\\\"b\\\\c\"} 1");
    assertThatThrownBy(() -> r.counter("bad name", "h"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unregistersByLabels() {
    MetricRegistry r = new MetricRegistry();
    r.counter("a_total", "h", Map.of("export", "one"));
    r.counter("a_total", "h", Map.of("export", "two"));
    r.unregisterMatching(Map.of("export", "one"));
    assertThat(r.scrape()).doesNotContain("one").contains("two");
  }
}
