package io.doppel.block.cache;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks over page indices. A multi-page operation takes its stripes in ascending stripe
 * order, so two operations can never wait for each other in a cycle.
 */
final class PageLocks {
  private final ReentrantLock[] stripes;

  PageLocks(int stripeCount) {
    stripes = new ReentrantLock[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  void lock(long page) {
    stripes[stripe(page)].lock();
  }

  void unlock(long page) {
    stripes[stripe(page)].unlock();
  }

  /** Locks every stripe covering pages [first, last]; returns a mask to pass to unlock. */
  boolean[] lockRange(long first, long last) {
    boolean[] held = new boolean[stripes.length];
    if (last - first + 1 >= stripes.length) {
      Arrays.fill(held, true);
    } else {
      for (long p = first; p <= last; p++) {
        held[stripe(p)] = true;
      }
    }
    for (int i = 0; i < held.length; i++) {
      if (held[i]) {
        stripes[i].lock();
      }
    }
    return held;
  }

  void unlockRange(boolean[] held) {
    for (int i = held.length - 1; i >= 0; i--) {
      if (held[i]) {
        stripes[i].unlock();
      }
    }
  }

  private int stripe(long page) {
    return (int) Math.floorMod(page, (long) stripes.length);
  }
}
