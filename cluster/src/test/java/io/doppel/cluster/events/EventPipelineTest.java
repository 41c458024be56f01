package io.doppel.cluster.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doppel.cluster.ClusterEvent;
import io.doppel.metrics.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventPipelineTest {
  @TempDir Path dir;

  @Test
  void clusterEventReachesSubscriberHookAndMetrics() throws Exception {
    Path sock = dir.resolve("events.sock");
    Path marker = dir.resolve("hook.out");
    Path hook = dir.resolve("hook.sh");
    Files.writeString(
        hook, "#!/bin/sh\necho \"$DOPPEL_EVENT_TYPE $DOPPEL_EVENT_PEER\" > " + marker + "\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    MetricRegistry registry = new MetricRegistry();
    EventsSettings settings =
        EventsSettings.defaults()
            .withSocket(sock)
            .withHooks(List.of(Hook.all(hook)), Duration.ofSeconds(10));
    ClusterEvent fault = TestEvents.all().get(2); // LINK_FAULT
    try (EventBus bus =
            EventPipeline.start(
                "a",
                settings,
                InstantSource.fixed(TestEvents.T0),
                TestEvents.threads("ev"),
                registry);
        EventSubscriber sub = EventSubscriber.connect(sock)) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.scrape().contains("doppel_events_subscribers 1"));
      bus.emit(fault);
      Map<String, Object> got = sub.next();
      assertThat(got)
          .containsEntry("type", "LINK_FAULT")
          .containsEntry("node", "a")
          .containsEntry("peer", "b")
          .containsEntry("link", "repl")
          .containsEntry("seq", 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(marker));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(marker).equals("LINK_FAULT b\n"));
      assertThat(registry.scrape()).contains("doppel_events_total{type=\"LINK_FAULT\"} 1");
    }
    assertThat(sock).doesNotExist();
  }
}
