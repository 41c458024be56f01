package io.doppel.server.admin;

import io.doppel.metrics.MetricRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * JVM and process gauges.
 *
 * <ul>
 *   <li>{@code doppel_process_uptime_seconds}: seconds since the JVM started
 *   <li>{@code doppel_jvm_heap_used_bytes}, {@code doppel_jvm_heap_max_bytes}: heap use and limit
 *   <li>{@code doppel_jvm_threads_live}: live threads
 *   <li>{@code doppel_build_info}: 1, labelled with the version
 * </ul>
 */
public final class ProcessGauges {
  private ProcessGauges() {}

  public static void register(MetricRegistry metrics) {
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    metrics.gauge(
        "doppel_process_uptime_seconds",
        "Seconds since the process started.",
        Map.of(),
        () -> runtime.getUptime() / 1000.0);
    metrics.gauge(
        "doppel_jvm_heap_used_bytes",
        "Heap bytes in use.",
        Map.of(),
        () -> memory.getHeapMemoryUsage().getUsed());
    metrics.gauge(
        "doppel_jvm_heap_max_bytes",
        "Maximum heap bytes (-1 if undefined).",
        Map.of(),
        () -> memory.getHeapMemoryUsage().getMax());
    metrics.gauge(
        "doppel_jvm_threads_live", "Live JVM threads.", Map.of(), threads::getThreadCount);
    metrics.gauge(
        "doppel_build_info",
        "Always 1; the version is a label.",
        Map.of("version", Version.current()),
        () -> 1);
  }
}
