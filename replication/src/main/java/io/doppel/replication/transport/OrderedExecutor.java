package io.doppel.replication.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * BookKeeper's ordered executor: tasks with the same key (a resource) always run on the same
 * thread, in submission order, so each agent has exactly one owner thread.
 */
public final class OrderedExecutor implements AutoCloseable {
  private final List<ScheduledExecutorService> threads = new ArrayList<>();

  public OrderedExecutor(int threadCount, ThreadFactory factory) {
    for (int i = 0; i < threadCount; i++) {
      threads.add(Executors.newSingleThreadScheduledExecutor(factory));
    }
  }

  private ScheduledExecutorService forKey(String key) {
    return threads.get(Math.floorMod(key.hashCode(), threads.size()));
  }

  public void execute(String key, Runnable task) {
    forKey(key).execute(task);
  }

  /** Runs {@code task} on the key's thread every {@code periodNanos}. */
  public ScheduledFuture<?> scheduleTicks(String key, Runnable task, long periodNanos) {
    return forKey(key).scheduleWithFixedDelay(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    threads.forEach(ScheduledExecutorService::shutdownNow);
  }
}
