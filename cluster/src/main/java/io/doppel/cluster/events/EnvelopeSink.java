package io.doppel.cluster.events;

/**
 * Where the {@link EventBus} delivers events, on its single dispatcher thread, in publication
 * order. Implementations must return quickly (hand slow work to their own bounded executor) and
 * must not throw for expected failures (count and log them); an exception is counted as a sink
 * error and does not stop delivery to other sinks.
 */
public interface EnvelopeSink extends AutoCloseable {
  /** A short name for logs and metrics labels ({@code socket}, {@code hooks}, {@code snmp}...). */
  String name();

  void deliver(EventEnvelope event);

  /** Releases the sink's resources; the bus calls it once when it closes. */
  @Override
  default void close() {}
}
