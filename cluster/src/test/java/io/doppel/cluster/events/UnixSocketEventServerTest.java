package io.doppel.cluster.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.doppel.cluster.ClusterEvent;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketEventServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final EventsStats stats = new EventsStats(new MetricRegistry());
  @TempDir Path dir;

  private EventBus bus(UnixSocketEventServer server) {
    EventBus bus =
        new EventBus(
            "self", InstantSource.fixed(TestEvents.T0), TestEvents.threads("bus"), 10_000, stats);
    bus.addSink(server).start();
    return bus;
  }

  private UnixSocketEventServer open(int maxPending) throws IOException {
    return UnixSocketEventServer.open(
        dir.resolve("events.sock"), maxPending, TestEvents.threads("sock"), stats);
  }

  @Test
  void twoSubscribersReceiveTheSameLinesInOrder() throws Exception {
    Path sock;
    try (UnixSocketEventServer server = open(1 << 20);
        EventBus bus = bus(server);
        EventSubscriber s1 = EventSubscriber.connect(server.path());
        EventSubscriber s2 = EventSubscriber.connect(server.path())) {
      sock = server.path();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)))
          .isEqualTo("rw-rw----");
      await().atMost(WAIT).until(() -> server.subscriberCount() == 2);
      for (ClusterEvent e : TestEvents.all()) {
        bus.emit(e);
      }
      List<String> l1 = read(s1, TestEvents.all().size());
      List<String> l2 = read(s2, TestEvents.all().size());
      assertThat(l1).isEqualTo(l2);
      assertThat(l1)
          .extracting(l -> EventJson.parse(l).get("type"))
          .containsExactlyElementsOf(TestEvents.all().stream().map(ClusterEvent::type).toList());
      assertThat(l1)
          .extracting(l -> ((Number) EventJson.parse(l).get("seq")).longValue())
          .containsExactlyElementsOf(
              java.util.stream.LongStream.rangeClosed(1, TestEvents.all().size()).boxed().toList());
      assertThat(stats.subscribers()).isEqualTo(2);
    }
    assertThat(sock).doesNotExist();
  }

  @Test
  void aSubscriberThatLeavesDoesNotAffectOthers() throws Exception {
    try (UnixSocketEventServer server = open(1 << 20);
        EventBus bus = bus(server);
        EventSubscriber stays = EventSubscriber.connect(server.path())) {
      EventSubscriber leaves = EventSubscriber.connect(server.path());
      await().atMost(WAIT).until(() -> server.subscriberCount() == 2);
      bus.publish(custom(1));
      assertThat(leaves.next()).containsEntry("n", 1);
      leaves.close();
      await().atMost(WAIT).until(() -> server.subscriberCount() == 1);
      for (int i = 2; i <= 100; i++) {
        bus.publish(custom(i));
      }
      List<String> got = read(stays, 100);
      assertThat(got)
          .extracting(l -> EventJson.parse(l).get("n"))
          .containsExactlyElementsOf(range(1, 100));
      assertThat(stats.droppedCount("socket", "slow_subscriber")).isZero();
    }
  }

  @Test
  void aSubscriberThatDoesNotReadIsDroppedAtItsBound() throws Exception {
    int events = 5_000;
    try (UnixSocketEventServer server = open(16 * 1024);
        EventBus bus = bus(server);
        EventSubscriber reader = EventSubscriber.connect(server.path());
        SocketChannel sleeper = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      sleeper.connect(UnixDomainSocketAddress.of(server.path()));
      await().atMost(WAIT).until(() -> server.subscriberCount() == 2);
      Semaphore read = new Semaphore(0);
      CompletableFuture<List<String>> got =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> lines = new ArrayList<>();
                try {
                  for (int i = 0; i < events; i++) {
                    lines.add(reader.nextLine());
                    read.release();
                  }
                  return lines;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      String pad = "x".repeat(400); // ~2 MB in all: far beyond the kernel buffer and the bound
      for (int i = 1; i <= events; i++) {
        bus.publish(new TestEvents.Custom("PAD", Map.of("n", i, "pad", pad)));
        if (i % 20 == 0) { // ~9 KB per batch: the reading subscriber stays within its bound
          assertThat(read.tryAcquire(20, WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
      }
      assertThat(got.get(30, TimeUnit.SECONDS))
          .extracting(l -> EventJson.parse(l).get("n"))
          .containsExactlyElementsOf(range(1, events));
      await().atMost(WAIT).until(() -> server.subscriberCount() == 1);
      assertThat(stats.droppedCount("socket", "slow_subscriber")).isEqualTo(1);
      assertThat(stats.droppedCount("bus", "queue_full")).isZero();
    }
  }

  @Test
  void refusesToReplaceARegularFileButReplacesAStaleSocket() throws Exception {
    Path file = dir.resolve("events.sock");
    Files.writeString(file, "not a socket");
    assertThatThrownBy(() -> open(1024))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a socket");
    Files.delete(file);
    try (SocketChannel stale = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.bind(UnixDomainSocketAddress.of(file)); // a crashed run leaves the file behind
      }
      assertThat(file).exists();
      try (UnixSocketEventServer server = open(1024)) {
        stale.connect(UnixDomainSocketAddress.of(server.path()));
        await().atMost(WAIT).until(() -> server.subscriberCount() == 1);
      }
    }
  }

  private static DoppelEvent custom(int n) {
    return new TestEvents.Custom("TEST", Map.of("n", n));
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> r = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      r.add(i);
    }
    return r;
  }

  private static List<String> read(EventSubscriber s, int n) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String line = s.nextLine();
      assertThat(line).as("line %d of %d", i + 1, n).isNotNull();
      lines.add(line);
    }
    return lines;
  }
}
