package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, real processes: failback (seed 004's role negotiation). Two storage nodes and a witness
 * in namespaces, default timings, {@code vs1} with nodes [a, b] and {@code failback = true}. a is
 * SIGKILLed, b takes the lease and the VIP; a restarts and, once it has been alive for the settle
 * time (2 x suspect timeout), b hands the role back: a holds lease and VIP, and no 10 ms poll ever
 * sees two VIP holders. Then a manual {@code failover --to b} moves the role to b, where it stays
 * (a manual move is not undone by failback: DESIGN.md "Who stands for election").
 */
class FailbackNetnsIT {
  @TempDir Path dir;

  @Test
  void theRoleMovesBackToThePreferredNodeButNotAfterAManualMove() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    try (NetnsCluster c =
        new NetnsCluster("dfb", dir, List.of("a", "b"), true)
            .virtualServerOptions("failback = true\n")
            .startAll()) {
      c.waitFor(Duration.ofSeconds(30), "a holds the VIP", () -> c.holds("a"));
      c.waitFor(
          Duration.ofSeconds(30),
          "b knows a holds vs1",
          () -> c.status("b").contains("\"holder\":\"a\""));

      c.kill("a");
      // a's namespace keeps the address after SIGKILL (no cleanup ran): watch only b here.
      c.waitFor(Duration.ofSeconds(20), "b holds the VIP", () -> c.holds("b"));
      c.waitFor(
          Duration.ofSeconds(10),
          "b holds the lease",
          () -> c.status("b").contains("\"role\":\"PRIMARY\""));

      c.launch("a");
      c.awaitListening("a", 2);
      // The restarted node first removes the stale address (VipManager), long before failback.
      c.waitFor(Duration.ofSeconds(20), "a removed its stale VIP", () -> !c.holds("a"));
      long backMs = c.untilSoleHolder("a", Duration.ofSeconds(30));
      System.out.printf("FailbackNetnsIT: a listening -> VIP back on a after %d ms%n", backMs);
      c.waitFor(
          Duration.ofSeconds(10),
          "a holds the lease",
          () -> c.status("a").contains("\"role\":\"PRIMARY\""));
      assertThat(c.status("b")).contains("\"role\":\"FOLLOWER\"");
      assertThat(NetnsCluster.sinceListening(c.log("a"), 2)).contains("-> PRIMARY");
      assertThat(c.log("b")).contains("failback to a");
      c.during(
          Duration.ofSeconds(2),
          () -> c.holder().equals(Optional.of("a")),
          "the VIP stays on a after failback");

      // A manual move to b sticks: failback does not undo an operator's decision.
      assertThat(c.post("a", "/failover?resource=vs1&to=b")).contains("released");
      c.untilSoleHolder("b", Duration.ofSeconds(20));
      c.during(
          Duration.ofSeconds(5), // > 2 x suspect timeout: failback would have moved it by now
          () -> c.holder().equals(Optional.of("b")),
          "the VIP stays on b after a manual failover");
      assertThat(c.status("b")).contains("\"role\":\"PRIMARY\"");
      assertThat(c.status("a")).contains("\"role\":\"FOLLOWER\"");
    }
  }
}
