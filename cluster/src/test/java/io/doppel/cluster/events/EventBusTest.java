package io.doppel.cluster.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doppel.cluster.ClusterEvent;
import io.doppel.metrics.MetricRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventBusTest {
  private final EventsStats stats = new EventsStats(new MetricRegistry());
  private final InstantSource clock = InstantSource.fixed(TestEvents.T0);

  /** Records what it is given, optionally blocking until released. */
  static final class Recorder implements EnvelopeSink {
    final List<EventEnvelope> got = new CopyOnWriteArrayList<>();
    final CountDownLatch release;
    volatile boolean closed;

    Recorder(int blockUntilCountDown) {
      release = new CountDownLatch(blockUntilCountDown);
    }

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public void deliver(EventEnvelope event) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      got.add(event);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void fansOutEveryEventToEverySinkInOrder() {
    Recorder r1 = new Recorder(0);
    Recorder r2 = new Recorder(0);
    EnvelopeSink failing =
        new EnvelopeSink() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public void deliver(EventEnvelope event) {
            throw new IllegalStateException("boom");
          }
        };
    try (EventBus bus = new EventBus("self", clock, TestEvents.threads("bus"), 100, stats)) {
      bus.addSink(r1).addSink(failing).addSink(r2).start();
      for (ClusterEvent e : TestEvents.all()) {
        bus.emit(e);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> r2.got.size() == TestEvents.all().size());
      assertThat(r1.got)
          .extracting(EventEnvelope::seq)
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(1, TestEvents.all().size()).boxed().toList());
      assertThat(r1.got)
          .extracting(EventEnvelope::type)
          .containsExactlyElementsOf(TestEvents.all().stream().map(ClusterEvent::type).toList());
      assertThat(r2.got).isEqualTo(r1.got);
      assertThat(r1.got.get(0).time()).isEqualTo(TestEvents.T0);
      assertThat(stats.sinkErrorCount("broken")).isEqualTo(TestEvents.all().size());
      assertThat(stats.publishedCount("LINK_FAULT")).isEqualTo(1);
      assertThat(stats.registry().scrape())
          .contains("doppel_events_total{type=\"MACHINE_FAILED\"} 1");
    }
    assertThat(r1.closed).as("the bus closes its sinks").isTrue();
  }

  @Test
  void fullQueueDropsAndCountsWithoutBlockingThePublisher() {
    Recorder slow = new Recorder(1);
    EventBus bus = new EventBus("self", clock, TestEvents.threads("bus"), 4, stats);
    bus.addSink(slow).start();
    ClusterEvent e = TestEvents.all().get(0);
    bus.emit(e); // taken by the dispatcher, which then blocks in the sink
    await().atMost(Duration.ofSeconds(10)).until(() -> bus.queued() == 0);
    int accepted = 0;
    for (int i = 0; i < 10; i++) {
      accepted += bus.publish(ClusterEvents.adapt(e)) ? 1 : 0;
    }
    assertThat(accepted).isEqualTo(4);
    assertThat(stats.droppedCount("bus", "queue_full")).isEqualTo(6);
    slow.release.countDown();
    bus.close(); // delivers what was queued
    assertThat(slow.got).extracting(EventEnvelope::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(bus.publish(ClusterEvents.adapt(e))).as("closed bus refuses").isFalse();
  }

  @Test
  void droppedEventsLeaveAGapInSeq() {
    Recorder slow = new Recorder(1);
    EventBus bus = new EventBus("self", clock, TestEvents.threads("bus"), 1, stats);
    bus.addSink(slow).start();
    DoppelEvent e = new TestEvents.Custom("X", Map.of());
    bus.publish(e);
    await().atMost(Duration.ofSeconds(10)).until(() -> bus.queued() == 0);
    assertThat(bus.publish(e)).isTrue(); // seq 2 queued
    assertThat(bus.publish(e)).isFalse(); // seq 3 dropped
    slow.release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> slow.got.size() == 2);
    assertThat(bus.publish(e)).isTrue(); // seq 4
    await().atMost(Duration.ofSeconds(10)).until(() -> slow.got.size() == 3);
    bus.close();
    assertThat(slow.got).extracting(EventEnvelope::seq).containsExactly(1L, 2L, 4L);
  }
}
