package io.doppel.replication.track;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateControllerTest {
  private static final long S = 1_000_000_000L;

  @Test
  void holdsTheTargetRateOverTime() {
    RateController rate = new RateController(10L << 20, 1 << 20, 100L << 20, Long.MAX_VALUE);
    long sent = 0;
    for (long t = 0; t <= 10 * S; t += S / 1000) {
      while (rate.tryAcquire(64 * 1024, t)) {
        sent += 64 * 1024;
      }
    }
    // 10 s at 10 MiB/s, plus the initial burst and at most one chunk of debt
    assertThat(sent).isBetween(100L << 20, (100L << 20) + (2L << 20));
  }

  @Test
  void backsOffWhenClientsSlowDownAndRecovers() {
    RateController rate = new RateController(64L << 20, 1 << 20, 64L << 20, 5_000_000L);
    rate.onClientLatency(20_000_000L);
    assertThat(rate.targetBytesPerSecond()).isEqualTo(32L << 20);
    for (int i = 0; i < 30; i++) {
      rate.onClientLatency(20_000_000L);
    }
    assertThat(rate.targetBytesPerSecond()).isEqualTo(1 << 20); // never below the floor
    for (int i = 0; i < 40; i++) {
      rate.onClientLatency(1_000_000L);
    }
    assertThat(rate.targetBytesPerSecond()).isEqualTo(64L << 20); // never above the ceiling
    rate.setTargetBytesPerSecond(0);
    assertThat(rate.tryAcquire(Long.MAX_VALUE / 2, 0)).isTrue(); // 0 = unlimited
  }
}
