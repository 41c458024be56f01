package io.doppel.cluster.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.doppel.cluster.ClusterEvent;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class HookRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final EventsStats stats = new EventsStats(new MetricRegistry());
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  @TempDir Path dir;

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger(HookRunner.class)).addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger(HookRunner.class)).detachAppender(logs);
  }

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private HookRunner runner(Duration timeout, Hook... hooks) {
    return new HookRunner(List.of(hooks), timeout, 2, 16, TestEvents.threads("hook"), stats);
  }

  @Test
  void hookGetsTheEventInItsEnvironment() throws Exception {
    Path out = dir.resolve("env.txt");
    Path hook =
        script(
            "env.sh", "env | grep '^DOPPEL_EVENT_' > " + out + ".tmp && mv " + out + ".tmp " + out);
    ClusterEvent mf = TestEvents.all().get(5); // MACHINE_FAILED
    EventEnvelope e = TestEvents.envelope(mf, 42);
    try (HookRunner r = runner(Duration.ofSeconds(10), Hook.all(hook))) {
      r.deliver(e);
      await().atMost(WAIT).until(() -> stats.hookCount("ok") == 1);
    }
    Map<String, String> env =
        Files.readAllLines(out).stream()
            .map(l -> l.split("=", 2))
            .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    assertThat(env)
        .containsEntry("DOPPEL_EVENT_TYPE", "MACHINE_FAILED")
        .containsEntry("DOPPEL_EVENT_NODE", "a")
        .containsEntry("DOPPEL_EVENT_TIME", "2026-11-22T01:02:03.456Z")
        .containsEntry("DOPPEL_EVENT_SEQ", "42")
        .containsEntry("DOPPEL_EVENT_PEER", "b")
        .containsEntry("DOPPEL_EVENT_TAKEN_OVER", "export:home,volume:db")
        .containsEntry("DOPPEL_EVENT_EXPORTS", "home")
        .containsEntry("DOPPEL_EVENT_VOLUMES", "db")
        .containsEntry("DOPPEL_EVENT_VIRTUAL_SERVERS", "")
        .containsEntry("DOPPEL_EVENT_JSON", e.toJson());
    assertThat(EventJson.parse(env.get("DOPPEL_EVENT_JSON"))).containsEntry("seq", 42);
  }

  @Test
  void hookRunsOnlyForItsTypes() throws Exception {
    Path marker = dir.resolve("ran");
    Path hook = script("m.sh", "echo $DOPPEL_EVENT_TYPE >> " + marker);
    try (HookRunner r = runner(Duration.ofSeconds(10), new Hook(hook, Set.of("link_fault")))) {
      for (ClusterEvent e : TestEvents.all()) {
        r.deliver(TestEvents.envelope(e, 1));
      }
      await().atMost(WAIT).until(() -> stats.hookCount("ok") == 1);
    }
    assertThat(Files.readAllLines(marker)).containsExactly("LINK_FAULT");
  }

  @Test
  void hangingHookIsKilledAtTheTimeoutWithItsChildren() throws Exception {
    Path pids = dir.resolve("pids");
    Path hook = script("hang.sh", "sleep 300 &\necho \"$$ $!\" > " + pids + "\nwait");
    long start = System.nanoTime();
    try (HookRunner r = runner(Duration.ofMillis(700), Hook.all(hook))) {
      r.deliver(TestEvents.envelope(TestEvents.all().get(0), 1));
      await().atMost(WAIT).until(() -> stats.hookCount("timeout") == 1);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    String[] p = Files.readString(pids).trim().split(" ");
    for (String pid : p) {
      await().atMost(WAIT).until(() -> dead(Long.parseLong(pid)));
    }
    assertThat(stats.hookCount("ok")).isZero();
    assertThat(messages()).anyMatch(m -> m.contains("hook killed after timeout"));
  }

  @Test
  void failingHookIsCountedAndItsStderrLogged() throws Exception {
    Path hook = script("fail.sh", "echo starting\necho 'disk not found' >&2\nexit 3");
    try (HookRunner r = runner(Duration.ofSeconds(10), Hook.all(hook))) {
      r.deliver(TestEvents.envelope(TestEvents.all().get(1), 5));
      await().atMost(WAIT).until(() -> stats.hookCount("failed") == 1);
    }
    assertThat(messages())
        .anyMatch(
            m -> m.contains("hook failed") && m.contains("exit=3") && m.contains("disk not found"));
    assertThat(stats.registry().scrape())
        .contains("doppel_events_hooks_total{result=\"failed\"} 1");
  }

  @Test
  void missingExecutableIsCountedAsError() throws Exception {
    try (HookRunner r = runner(Duration.ofSeconds(10), Hook.all(dir.resolve("nope")))) {
      r.deliver(TestEvents.envelope(TestEvents.all().get(1), 5));
      await().atMost(WAIT).until(() -> stats.hookCount("error") == 1);
    }
  }

  private List<String> messages() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Gone, or a zombie waiting for a parent that does not reap (killed either way). */
  private static boolean dead(long pid) throws IOException {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return true;
    }
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }
}
