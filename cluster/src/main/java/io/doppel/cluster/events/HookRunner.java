package io.doppel.cluster.events;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured hook scripts for each event (seed 003's application agents, as scripts). The
 * event is in the environment: {@code DOPPEL_EVENT_TYPE}, {@code DOPPEL_EVENT_NODE}, {@code
 * DOPPEL_EVENT_TIME}, {@code DOPPEL_EVENT_SEQ}, {@code DOPPEL_EVENT_JSON} and one {@code
 * DOPPEL_EVENT_<FIELD>} per event field (lists comma-separated). stdin is empty, stdout discarded.
 *
 * <p>Bounded: at most {@code maxConcurrent} hooks run at once on threads from the given factory, at
 * most {@code maxQueued} wait (beyond that a run is dropped and counted as {@code hooks/busy}); a
 * hook still running after {@code timeout} is killed with its child processes. A non-zero exit is
 * logged with the tail of stderr. Every outcome is counted in {@code doppel_events_hooks_total}.
 * With {@code maxConcurrent > 1} hooks of successive events may run in parallel.
 */
public final class HookRunner implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

  /** How much of a failed hook's stderr is logged. */
  static final int STDERR_TAIL_BYTES = 2048;

  private final List<Hook> hooks;
  private final Duration timeout;
  private final EventsStats stats;
  private final ThreadPoolExecutor pool;

  public HookRunner(
      List<Hook> hooks,
      Duration timeout,
      int maxConcurrent,
      int maxQueued,
      ThreadFactory threads,
      EventsStats stats) {
    if (timeout.isNegative() || timeout.isZero() || maxConcurrent < 1 || maxQueued < 1) {
      throw new IllegalArgumentException("hook timeout, concurrency and queue must be positive");
    }
    this.hooks = List.copyOf(hooks);
    this.timeout = timeout;
    this.stats = stats;
    this.pool =
        new ThreadPoolExecutor(
            maxConcurrent,
            maxConcurrent,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(maxQueued),
            threads,
            new ThreadPoolExecutor.AbortPolicy());
  }

  @Override
  public String name() {
    return "hooks";
  }

  @Override
  public void deliver(EventEnvelope event) {
    for (Hook hook : hooks) {
      if (!hook.wants(event.type())) {
        continue;
      }
      try {
        pool.execute(() -> run(hook, event));
      } catch (RejectedExecutionException e) {
        stats.dropped("hooks", "busy");
        log.warn(
            "hook not run, too many pending hook={} type={} seq={}",
            hook.executable(),
            event.type(),
            event.seq());
      }
    }
  }

  /** The environment variables a hook gets for {@code event} (besides the inherited ones). */
  public static Map<String, String> environment(EventEnvelope event) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DOPPEL_EVENT_TYPE", event.type());
    env.put("DOPPEL_EVENT_NODE", event.node());
    env.put("DOPPEL_EVENT_TIME", event.time().toString());
    env.put("DOPPEL_EVENT_SEQ", Long.toString(event.seq()));
    env.put("DOPPEL_EVENT_JSON", event.toJson());
    for (String field : event.fields().keySet()) {
      env.put("DOPPEL_EVENT_" + envName(field), event.text(field));
    }
    env.replaceAll((k, v) -> v.replace('\0', ' ')); // the environment cannot carry NUL
    return env;
  }

  private static String envName(String field) {
    return field.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
  }

  private void run(Hook hook, EventEnvelope event) {
    Path stderr = null;
    try {
      stderr = Files.createTempFile("doppel-hook-", ".err");
      ProcessBuilder pb = new ProcessBuilder(hook.executable().toString());
      pb.environment().putAll(environment(event));
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.redirectError(stderr.toFile());
      Process p = pb.start();
      p.getOutputStream().close();
      finish(hook, event, p, stderr);
    } catch (IOException e) {
      stats.hook("error");
      log.warn(
          "hook could not run hook={} type={} seq={} error={}",
          hook.executable(),
          event.type(),
          event.seq(),
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      deleteQuietly(stderr);
    }
  }

  private void finish(Hook hook, EventEnvelope event, Process p, Path stderr)
      throws InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill(p);
      stats.hook("timeout");
      log.warn(
          "hook killed after timeout hook={} type={} seq={} timeout={} stderr=\"{}\"",
          hook.executable(),
          event.type(),
          event.seq(),
          timeout,
          tail(stderr));
      return;
    }
    if (p.exitValue() != 0) {
      stats.hook("failed");
      log.warn(
          "hook failed hook={} type={} seq={} exit={} stderr=\"{}\"",
          hook.executable(),
          event.type(),
          event.seq(),
          p.exitValue(),
          tail(stderr));
      return;
    }
    stats.hook("ok");
    log.debug("hook ok hook={} type={} seq={}", hook.executable(), event.type(), event.seq());
  }

  /**
   * Kills the hook's children first: once the parent is gone they are no longer its descendants.
   */
  private static void kill(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    p.waitFor();
  }

  static String tail(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, f.length() - STDERR_TAIL_BYTES);
      byte[] b = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8).strip().replace("\n", "\\n").replace("\"", "'");
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        log.debug("could not delete hook stderr file path={}", p);
      }
    }
  }

  /** Lets running hooks finish (each is bounded by the timeout), then stops the threads. */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
