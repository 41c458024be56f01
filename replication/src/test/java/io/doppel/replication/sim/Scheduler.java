package io.doppel.replication.sim;

import java.util.PriorityQueue;

/** One simulated clock and a queue of events; ties break by insertion order (deterministic). */
final class Scheduler {
  private record Event(long atNanos, long order, Runnable action) {}

  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.atNanos != b.atNanos
                  ? Long.compare(a.atNanos, b.atNanos)
                  : Long.compare(a.order, b.order));
  private long now;
  private long order;
  private long events;

  long now() {
    return now;
  }

  void at(long atNanos, Runnable action) {
    queue.add(new Event(Math.max(atNanos, now), order++, action));
  }

  void after(long delayNanos, Runnable action) {
    at(now + delayNanos, action);
  }

  /** Runs events until {@code untilNanos}, calling {@code afterEach} after every one. */
  void runUntil(long untilNanos, Runnable afterEach) {
    while (!queue.isEmpty() && queue.peek().atNanos <= untilNanos) {
      Event e = queue.poll();
      now = e.atNanos;
      e.action.run();
      events++;
      afterEach.run();
    }
    now = Math.max(now, untilNanos);
  }

  long events() {
    return events;
  }
}
