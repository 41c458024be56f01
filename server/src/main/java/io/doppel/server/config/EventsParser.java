package io.doppel.server.config;

import io.doppel.cluster.events.EventsSettings;
import io.doppel.cluster.events.Hook;
import io.doppel.cluster.events.TrapManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code [cluster.events]}: where registered applications subscribe (a Unix socket with JSON
 * lines), hook scripts run for every event, and SNMP v2c trap managers (seed 003's registered
 * applications and traps). Absent keys keep {@link EventsSettings#defaults()} plus a socket at
 * {@code state_dir/events.sock}.
 */
final class EventsParser {
  static final List<String> KEYS =
      List.of("socket", "hooks", "hook_timeout_ms", "snmp_managers", "snmp_community");
  private static final long MAX_MS = 3_600_000;

  private final Path baseDir;

  EventsParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  EventsSettings parse(TableReader cluster, Path stateDir) {
    EventsSettings settings = EventsSettings.defaults();
    if (!cluster.has("events")) {
      return settings.withSocket(stateDir.resolve("events.sock"));
    }
    TableReader t =
        new TableReader(cluster.errors(), "cluster.events", cluster.table("events"), KEYS);
    Path socket =
        t.parsed("socket", false, "a path for the events socket", this::path)
            .orElse(stateDir.resolve("events.sock"));
    settings = settings.withSocket(socket);
    List<Hook> hooks = new ArrayList<>();
    t.strings("hooks", false, "an array of executable paths")
        .ifPresent(list -> list.forEach(h -> hooks.add(Hook.all(path(h)))));
    Duration timeout = Duration.ofMillis(t.integer("hook_timeout_ms", 1, MAX_MS, 30_000));
    settings = settings.withHooks(hooks, timeout);
    String community =
        t.string("snmp_community", false, "an SNMP v2c community string").orElse("public");
    List<TrapManager> managers = new ArrayList<>();
    Optional<List<String>> targets =
        t.strings("snmp_managers", false, "an array of \"host:port\" trap receivers");
    for (String target : targets.orElse(List.of())) {
      try {
        managers.add(TrapManager.parse(target, community));
      } catch (IllegalArgumentException e) {
        t.error(
            "snmp_managers", "expected \"host:port\", got \"" + target + "\": " + e.getMessage());
      }
    }
    return settings.withTrapManagers(managers);
  }

  private Path path(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException("empty path");
    }
    return baseDir.resolve(s).normalize();
  }
}
