package io.doppel.block.nbd;

import io.doppel.metrics.Counter;
import io.doppel.metrics.Histogram;
import io.doppel.metrics.MetricRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NBD server metrics:
 *
 * <ul>
 *   <li>{@code doppel_nbd_requests_total{command}} — transmission requests by command (including
 *       refused ones)
 *   <li>{@code doppel_nbd_read_bytes_total}, {@code doppel_nbd_written_bytes_total} — payload bytes
 *       of successful reads and writes
 *   <li>{@code doppel_nbd_errors_total{kind}} — every error, by {@link NbdError} kind
 *   <li>{@code doppel_nbd_connections} — open connections
 *   <li>{@code doppel_nbd_handshakes_total} — connections that reached the transmission phase
 *   <li>{@code doppel_nbd_request_seconds} — service time from decode to reply
 * </ul>
 */
public final class NbdStats {
  private final Map<NbdCommand, Counter> requests = new EnumMap<>(NbdCommand.class);
  private final Map<NbdError, Counter> errors = new EnumMap<>(NbdError.class);
  private final Counter unknownCommands;
  private final Counter readBytes;
  private final Counter writtenBytes;
  private final Counter handshakes;
  private final Histogram latency;
  private final AtomicInteger connections = new AtomicInteger();

  public NbdStats(MetricRegistry metrics) {
    for (NbdCommand c : NbdCommand.values()) {
      requests.put(
          c,
          metrics.counter(
              "doppel_nbd_requests_total",
              "NBD requests by command",
              Map.of("command", c.label())));
    }
    unknownCommands =
        metrics.counter(
            "doppel_nbd_requests_total", "NBD requests by command", Map.of("command", "unknown"));
    for (NbdError e : NbdError.values()) {
      errors.put(
          e,
          metrics.counter(
              "doppel_nbd_errors_total", "NBD errors by kind", Map.of("kind", e.label())));
    }
    readBytes = metrics.counter("doppel_nbd_read_bytes_total", "Bytes read by NBD clients");
    writtenBytes =
        metrics.counter("doppel_nbd_written_bytes_total", "Bytes written by NBD clients");
    handshakes =
        metrics.counter("doppel_nbd_handshakes_total", "Connections that entered transmission");
    latency =
        metrics.histogram(
            "doppel_nbd_request_seconds",
            "NBD request service time",
            Map.of(),
            0.0001,
            0.0005,
            0.001,
            0.005,
            0.01,
            0.05,
            0.1,
            0.5,
            1,
            5);
    metrics.gauge("doppel_nbd_connections", "Open NBD connections", Map.of(), connections::get);
  }

  void request(NbdCommand command) {
    if (command == null) {
      unknownCommands.increment();
    } else {
      requests.get(command).increment();
    }
  }

  void error(NbdError kind) {
    errors.get(kind).increment();
  }

  void read(long bytes) {
    readBytes.add(bytes);
  }

  void written(long bytes) {
    writtenBytes.add(bytes);
  }

  void handshakeDone() {
    handshakes.increment();
  }

  void served(long nanos) {
    latency.observe(nanos / 1e9);
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  public long errors(NbdError kind) {
    return errors.get(kind).get();
  }

  public long requests(String commandLabel) {
    for (Map.Entry<NbdCommand, Counter> e : requests.entrySet()) {
      if (e.getKey().label().equals(commandLabel)) {
        return e.getValue().get();
      }
    }
    return unknownCommands.get();
  }

  public long readBytes() {
    return readBytes.get();
  }

  public long writtenBytes() {
    return writtenBytes.get();
  }

  public int connections() {
    return connections.get();
  }
}
