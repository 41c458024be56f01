package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, real processes: a three-node chain (seed 003 fig. 4) a, b, c without a witness, default
 * timings. a (first in the list) holds the VIP; after SIGKILL of a the next in the chain, b, holds
 * it, never c.
 */
class ChainNetnsIT {
  @TempDir Path dir;

  @Test
  void theNextNodeInTheChainTakesOver() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    try (NetnsCluster c = new NetnsCluster("dch", dir, List.of("a", "b", "c"), false).startAll()) {
      c.waitFor(Duration.ofSeconds(30), "a holds the VIP", () -> c.holds("a"));
      for (String n : List.of("b", "c")) {
        c.waitFor(
            Duration.ofSeconds(30),
            n + " knows a holds vs1",
            () -> c.status(n).contains("\"holder\":\"a\""));
      }
      c.kill("a");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!c.holds("b")) {
        assertThat(c.holds("c")).as("c takes the VIP\n" + c.tails()).isFalse();
        assertThat(System.nanoTime()).as("b takes the VIP\n" + c.tails()).isLessThan(deadline);
        LockSupport.parkNanos(10_000_000);
      }
      c.during(
          Duration.ofSeconds(3),
          () -> !c.holds("c") && c.holds("b"),
          "b keeps the VIP and c never carries it");
      c.waitFor(
          Duration.ofSeconds(10),
          "c knows b holds vs1",
          () -> c.status("c").contains("\"holder\":\"b\""));
      assertThat(c.status("c")).contains("\"role\":\"FOLLOWER\"");
      assertThat(c.status("b")).contains("\"role\":\"PRIMARY\"");
      assertThat(c.holds("b")).isTrue(); // a's namespace keeps its address: SIGKILL ran no cleanup
    }
  }
}
