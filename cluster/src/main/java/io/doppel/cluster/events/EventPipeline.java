package io.doppel.cluster.events;

import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Builds and starts the whole event pipeline from {@link EventsSettings}: an {@link EventBus} with
 * the log sink, and the events socket, hook runner and SNMP trap sender where configured. The
 * returned bus is the {@code EventSink} to give the cluster node; other modules {@link
 * EventBus#publish} to it; closing it closes every sink.
 */
public final class EventPipeline {
  private EventPipeline() {}

  /**
   * @param node this node's name
   * @param threads makes the bus dispatcher, the socket I/O thread and the hook threads (the
   *     server's one place that creates threads)
   */
  public static EventBus start(
      String node,
      EventsSettings settings,
      InstantSource clock,
      ThreadFactory threads,
      MetricRegistry registry)
      throws IOException {
    EventsStats stats = new EventsStats(registry);
    List<EnvelopeSink> sinks = new ArrayList<>();
    sinks.add(new LogEventSink());
    try {
      if (settings.socket().isPresent()) {
        sinks.add(
            UnixSocketEventServer.open(
                settings.socket().get(), settings.socketMaxPendingBytes(), threads, stats));
      }
      if (!settings.hooks().isEmpty()) {
        sinks.add(
            new HookRunner(
                settings.hooks(),
                settings.hookTimeout(),
                settings.hookConcurrency(),
                settings.hookQueue(),
                threads,
                stats));
      }
      if (!settings.trapManagers().isEmpty()) {
        sinks.add(new SnmpTrapSender(settings.trapManagers(), clock, stats));
      }
    } catch (IOException | RuntimeException e) {
      sinks.forEach(EnvelopeSink::close);
      throw e;
    }
    EventBus bus = new EventBus(node, clock, threads, settings.queueCapacity(), stats);
    sinks.forEach(bus::addSink);
    bus.start();
    return bus;
  }
}
