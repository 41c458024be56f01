package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, real processes, seed 004's rule: two storage nodes without a witness and the default
 * {@code two_node_policy}. Every link between them is cut. The secondary b never promotes and
 * reports FAILOVER_NOT_CONFIGURED; the old primary a keeps its lease on its own vote and keeps the
 * VIP (DESIGN.md rule 7), so there is exactly one VIP holder at every poll. When the links return,
 * b follows a again.
 */
class TwoNodePartitionNetnsIT {
  @TempDir Path dir;

  @Test
  void totalLossOfContactNeverProducesASecondPrimary() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    try (NetnsCluster c = new NetnsCluster("dtwo", dir, List.of("a", "b"), false).startAll()) {
      c.waitFor(Duration.ofSeconds(30), "a holds the VIP", () -> c.holds("a"));
      c.waitFor(
          Duration.ofSeconds(30),
          "b knows a holds vs1",
          () -> c.status("b").contains("\"holder\":\"a\""));
      LocalDateTime cut = LocalDateTime.now().minusSeconds(1);

      c.lab.link("a", 0, false);
      c.lab.link("a", 1, false);
      c.waitFor(
          Duration.ofSeconds(20),
          "b reports FAILOVER_NOT_CONFIGURED",
          () -> c.log("b").contains("type=FAILOVER_NOT_CONFIGURED"));
      assertThat(c.log("b")).contains("type=NODE_DOWN");
      c.during(
          Duration.ofSeconds(6), // 4 lease durations after b gave up on a
          () ->
              c.holder().equals(Optional.of("a"))
                  && c.status("a").contains("\"role\":\"PRIMARY\"")
                  && !c.status("b").contains("\"role\":\"PRIMARY\""),
          "a keeps lease and VIP on its own vote, b never promotes");
      assertThat(NetnsCluster.firstAt(c.log("b"), "-> CANDIDATE", cut)).isEmpty();
      assertThat(NetnsCluster.firstAt(c.log("a"), "type=LEASE_LOST", cut)).isEmpty();

      c.lab.link("a", 0, true);
      c.lab.link("a", 1, true);
      c.waitFor(
          Duration.ofSeconds(20),
          "b follows a again",
          () -> c.status("b").contains("\"holder\":\"a\""));
      assertThat(c.holder()).isEqualTo(Optional.of("a"));
      assertThat(c.status("b")).contains("\"role\":\"FOLLOWER\"");
    }
  }
}
