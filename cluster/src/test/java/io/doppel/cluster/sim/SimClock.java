package io.doppel.cluster.sim;

/**
 * A member's local monotonic clock: {@code offset + real * (1 + ppm / 10^6)}. The rate error is
 * fixed per machine; the offset changes on every restart (like System.nanoTime after a reboot).
 */
final class SimClock {
  private final long ppm;
  private long offset;

  SimClock(long ppm, long offset) {
    this.ppm = ppm;
    this.offset = offset;
  }

  long ppm() {
    return ppm;
  }

  void reboot(long newOffset) {
    offset = newOffset;
  }

  long local(long real) {
    return offset + real + Math.floorDiv(real * ppm, 1_000_000L);
  }

  /** The first real instant at which this clock reads {@code target} or later. */
  long firstRealAtOrAfter(long target) {
    long r = (long) ((target - offset) / (1.0 + ppm / 1e6));
    while (local(r) < target) {
      r++;
    }
    while (local(r - 1) >= target) {
      r--;
    }
    return r;
  }
}
