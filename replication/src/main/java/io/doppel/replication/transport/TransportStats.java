package io.doppel.replication.transport;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;

/**
 * Transport metrics, labelled {@code side} (primary/replica): {@code
 * doppel_replication_frames_in_total}, {@code doppel_replication_frames_out_total}, {@code
 * doppel_replication_malformed_frames_total}, {@code doppel_replication_connects_total}, {@code
 * doppel_replication_disconnects_total}.
 */
public final class TransportStats {
  final Counter framesIn;
  final Counter framesOut;
  final Counter malformed;
  final Counter connects;
  final Counter disconnects;

  public TransportStats(MetricRegistry registry, String side) {
    Map<String, String> l = Map.of("side", side);
    framesIn = registry.counter("doppel_replication_frames_in_total", "Frames received.", l);
    framesOut = registry.counter("doppel_replication_frames_out_total", "Frames sent.", l);
    malformed = registry.counter("doppel_replication_malformed_frames_total", "Frames refused.", l);
    connects = registry.counter("doppel_replication_connects_total", "Connections made.", l);
    disconnects = registry.counter("doppel_replication_disconnects_total", "Connections lost.", l);
  }

  public long malformedFrames() {
    return malformed.get();
  }

  public long connects() {
    return connects.get();
  }
}
