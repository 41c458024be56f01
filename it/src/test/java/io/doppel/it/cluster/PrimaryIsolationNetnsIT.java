package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, real processes: two storage nodes and a witness in network namespaces, default timings.
 * (1) All links of the primary are cut: it drops the VIP before the successor adds it, and no poll
 * ever sees two holders. (2) The primary is shut down gracefully (SIGTERM): the successor reports
 * PARTNER_SHUTDOWN, raises no failure alarm and takes the VIP.
 */
class PrimaryIsolationNetnsIT {
  @TempDir Path dir;

  @Test
  void cuttingAllLinksOfThePrimaryMovesTheVipWithoutTwoHolders() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    try (NetnsCluster c = new NetnsCluster("dcut", dir, List.of("a", "b"), true).startAll()) {
      String primary = c.awaitHolder(Duration.ofSeconds(30));
      String other = primary.equals("a") ? "b" : "a";
      LocalDateTime cut = LocalDateTime.now().minusSeconds(1);

      c.lab.link(primary, 0, false);
      c.lab.link(primary, 1, false);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!c.holds(other)) {
        c.holder(); // asserts: never two holders
        assertThat(System.nanoTime())
            .as(other + " takes the VIP\n" + c.tails())
            .isLessThan(deadline);
        LockSupport.parkNanos(10_000_000);
      }
      assertThat(c.holds(primary)).as("the isolated primary still carries the VIP").isFalse();

      LocalDateTime removed =
          NetnsCluster.firstAt(c.log(primary), "event=vip_removed", cut).orElseThrow();
      LocalDateTime added =
          NetnsCluster.firstAt(c.log(other), "event=vip_added", cut).orElseThrow();
      System.out.printf(
          "PrimaryIsolationNetnsIT: %s removed the VIP at %s, %s added it at %s (%d ms later)%n",
          primary, removed, other, added, Duration.between(removed, added).toMillis());
      assertThat(removed).as("vip_removed on the old primary before vip_added").isBefore(added);

      c.lab.link(primary, 0, true);
      c.lab.link(primary, 1, true);
      c.waitFor(
          Duration.ofSeconds(30),
          primary + " sees " + other + " again",
          () -> c.status(primary).contains("\"holder\":\"" + other + "\""));
      c.during(
          Duration.ofSeconds(3),
          () -> c.holder().equals(java.util.Optional.of(other)),
          "the VIP stays on " + other + " after the links return (no failback)");
    }
  }

  @Test
  void gracefulShutdownHandsOverWithoutAlarm() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    try (NetnsCluster c = new NetnsCluster("dterm", dir, List.of("a", "b"), true).startAll()) {
      String primary = c.awaitHolder(Duration.ofSeconds(30));
      String other = primary.equals("a") ? "b" : "a";
      c.waitFor(
          Duration.ofSeconds(30),
          other + " knows the holder",
          () -> c.status(other).contains("\"holder\":\"" + primary + "\""));
      int before = c.log(other).length();

      c.terminate(primary);
      c.waitFor(Duration.ofSeconds(20), other + " holds the VIP", () -> c.holds(other));
      c.waitFor(
          Duration.ofSeconds(10),
          "PARTNER_SHUTDOWN logged by " + other,
          () -> c.log(other).substring(before).contains("type=PARTNER_SHUTDOWN"));
      String after = c.log(other).substring(before);
      assertThat(after).contains("peer=" + primary);
      assertThat(after).doesNotContain("type=NODE_DOWN").doesNotContain("type=MACHINE_FAILED");
      assertThat(c.log(primary)).contains("event=vip_removed");
      assertThat(c.status(other)).contains("\"role\":\"PRIMARY\"");
    }
  }
}
