package io.doppel.cluster.sim;

import java.util.PriorityQueue;

/** One queue of timed actions on the simulated global clock; everything runs on one thread. */
final class SimScheduler {
  private record Event(long atNanos, long seq, Runnable action) {}

  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.atNanos != b.atNanos
                  ? Long.compare(a.atNanos, b.atNanos)
                  : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private long executed;

  long now() {
    return now;
  }

  long executed() {
    return executed;
  }

  void at(long atNanos, Runnable action) {
    queue.add(new Event(Math.max(atNanos, now), seq++, action));
  }

  void after(long delayNanos, Runnable action) {
    at(now + delayNanos, action);
  }

  /** Runs events up to {@code untilNanos}, calling {@code afterEach} after every one. */
  void runUntil(long untilNanos, Runnable afterEach) {
    while (!queue.isEmpty() && queue.peek().atNanos <= untilNanos) {
      Event e = queue.poll();
      now = e.atNanos;
      e.action.run();
      executed++;
      afterEach.run();
    }
    now = Math.max(now, untilNanos);
  }
}
