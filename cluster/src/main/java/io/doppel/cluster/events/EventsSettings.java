package io.doppel.cluster.events;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the event pipeline (the server's config loader builds it; see {@link
 * EventPipeline}).
 *
 * @param queueCapacity events that may wait for the bus dispatcher before new ones are dropped
 * @param socket where applications subscribe; empty: no events socket
 * @param socketMaxPendingBytes unsent bytes per subscriber before it is disconnected
 * @param hooks hook scripts; empty: none
 * @param hookTimeout a hook still running after this is killed
 * @param hookConcurrency hooks running at once
 * @param hookQueue hook runs waiting before further ones are dropped
 * @param trapManagers SNMP v2c trap receivers; empty: no traps
 */
public record EventsSettings(
    int queueCapacity,
    Optional<Path> socket,
    int socketMaxPendingBytes,
    List<Hook> hooks,
    Duration hookTimeout,
    int hookConcurrency,
    int hookQueue,
    List<TrapManager> trapManagers) {
  public static final int DEFAULT_QUEUE_CAPACITY = 4096;
  public static final int DEFAULT_SOCKET_MAX_PENDING_BYTES = 1 << 20;
  public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_HOOK_CONCURRENCY = 2;
  public static final int DEFAULT_HOOK_QUEUE = 256;

  public EventsSettings {
    hooks = List.copyOf(hooks);
    trapManagers = List.copyOf(trapManagers);
  }

  /** Log and metrics only; add the socket, hooks and managers with the {@code with*} methods. */
  public static EventsSettings defaults() {
    return new EventsSettings(
        DEFAULT_QUEUE_CAPACITY,
        Optional.empty(),
        DEFAULT_SOCKET_MAX_PENDING_BYTES,
        List.of(),
        DEFAULT_HOOK_TIMEOUT,
        DEFAULT_HOOK_CONCURRENCY,
        DEFAULT_HOOK_QUEUE,
        List.of());
  }

  public EventsSettings withSocket(Path path) {
    return new EventsSettings(
        queueCapacity,
        Optional.of(path),
        socketMaxPendingBytes,
        hooks,
        hookTimeout,
        hookConcurrency,
        hookQueue,
        trapManagers);
  }

  public EventsSettings withHooks(List<Hook> newHooks, Duration timeout) {
    return new EventsSettings(
        queueCapacity,
        socket,
        socketMaxPendingBytes,
        newHooks,
        timeout,
        hookConcurrency,
        hookQueue,
        trapManagers);
  }

  public EventsSettings withTrapManagers(List<TrapManager> managers) {
    return new EventsSettings(
        queueCapacity,
        socket,
        socketMaxPendingBytes,
        hooks,
        hookTimeout,
        hookConcurrency,
        hookQueue,
        managers);
  }
}
