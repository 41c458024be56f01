package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, real processes: two storage nodes without a witness under {@code two_node_policy =
 * "promote_after_fencing"} with a real fencing hook (DESIGN.md rule 7). All links of the primary a
 * are cut. (1) The hook "powers a off" (SIGKILL by PID, and the address goes with the machine): b
 * promotes only after the hook ran and carries the VIP, never together with a. (2) The hook fails
 * (exit 1): b reports FENCING_FAILED (to an events hook) and does not promote for several lease
 * durations, while the isolated a keeps its role on its own vote.
 */
class FencingNetnsIT {
  @TempDir Path dir;

  /** A fencing hook that records its call; {@code body} does the rest. */
  private Path hook(String name, String body) throws Exception {
    Path h = dir.resolve(name);
    Files.writeString(
        h,
        "#!/bin/sh\n"
            + "echo \"$(date +%s%3N) args=$* env=$DOPPEL_FENCE_NODE\" >> "
            + dir.resolve(name + ".record")
            + "\n"
            + body);
    Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
    return h;
  }

  private NetnsCluster cluster(String prefix, Path fencingHook) throws Exception {
    Path events = dir.resolve("events.sh");
    Files.writeString(
        events, "#!/bin/sh\necho \"$DOPPEL_EVENT_TYPE\" >> " + dir.resolve("events.out") + "\n");
    Files.setPosixFilePermissions(events, PosixFilePermissions.fromString("rwxr-xr-x"));
    NetnsCluster c =
        new NetnsCluster(prefix, dir, List.of("a", "b"), false)
            .clusterOptions(
                """
                two_node_policy = "promote_after_fencing"
                fencing_hook = "%s"
                fencing_timeout_ms = 5000
                """
                    .formatted(fencingHook));
    c.extraConfig(
        "b",
        """
        [cluster.events]
        socket = "%s"
        hooks = ["%s"]
        hook_timeout_ms = 5000
        """
            .formatted(dir.resolve("b.sock"), events));
    c.startAll();
    c.waitFor(Duration.ofSeconds(30), "a holds the VIP", () -> c.holds("a"));
    c.waitFor(
        Duration.ofSeconds(30),
        "b knows a holds vs1",
        () -> c.status("b").contains("\"holder\":\"a\""));
    return c;
  }

  private static void cutAll(NetnsCluster c, String member) throws Exception {
    c.lab.link(member, 0, false);
    c.lab.link(member, 1, false);
  }

  @Test
  void theSurvivorPromotesOnlyAfterTheHookPoweredThePartnerOff() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    Path pidFile = dir.resolve("a.pid");
    String ns = "NS_PLACEHOLDER";
    Path hook =
        hook(
            "fence-ok.sh",
            """
            pid=$(cat %s)
            kill -9 "$pid"
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
            # a powered-off machine carries no address
            ip -n %s addr del %s dev eth0 2>/dev/null
            exit 0
            """
                .formatted(pidFile, ns, NetnsCluster.VIP));
    try (NetnsCluster c = cluster("dfen", hook)) {
      Files.writeString(hook, Files.readString(hook).replace(ns, c.lab.ns("a")));
      Files.writeString(pidFile, Long.toString(c.pid("a")));
      LocalDateTime cut = LocalDateTime.now().minusSeconds(1);

      cutAll(c, "a");
      long ms = c.untilSoleHolder("b", Duration.ofSeconds(30)); // never two holders on the way
      System.out.printf("FencingNetnsIT: all links of a cut -> VIP on b after %d ms%n", ms);
      c.waitFor(
          Duration.ofSeconds(10),
          "b holds the lease",
          () -> c.status("b").contains("\"role\":\"PRIMARY\""));
      assertThat(c.alive("a")).as("the hook killed a").isFalse();

      List<String> record = Files.readAllLines(dir.resolve("fence-ok.sh.record"));
      assertThat(record).hasSize(1);
      assertThat(record.getFirst()).endsWith(" args=a env=a");
      long hookRanMs = Long.parseLong(record.getFirst().split(" ")[0]);
      LocalDateTime promoted = NetnsCluster.firstAt(c.log("b"), "-> PRIMARY", cut).orElseThrow();
      long promotedMs = promoted.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
      assertThat(hookRanMs)
          .as("the hook ran before b became primary")
          .isLessThanOrEqualTo(promotedMs);
      assertThat(c.log("b")).contains("event=fencing_hook node=a exit=0");
      assertThat(c.log("b")).doesNotContain("type=FENCING_FAILED");
    }
  }

  @Test
  void aFailedFenceKeepsTheSurvivorFromPromoting() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    Path hook = hook("fence-fail.sh", "exit 1\n");
    try (NetnsCluster c = cluster("dfnf", hook)) {
      LocalDateTime cut = LocalDateTime.now().minusSeconds(1);
      cutAll(c, "a");
      Path events = dir.resolve("events.out");
      c.waitFor(
          Duration.ofSeconds(20),
          "b reports FENCING_FAILED",
          () -> Files.exists(events) && Files.readString(events).contains("FENCING_FAILED"));
      assertThat(Files.readAllLines(dir.resolve("fence-fail.sh.record")))
          .isNotEmpty()
          .allMatch(l -> l.endsWith(" args=a env=a"));
      c.during(
          Duration.ofSeconds(6), // 4 lease durations
          () -> !c.holds("b") && !c.status("b").contains("\"role\":\"PRIMARY\""),
          "b does not promote after a failed fence");
      // The isolated a keeps the role on its own vote (rule 7): exactly one holder all along.
      assertThat(c.holder()).isEqualTo(Optional.of("a"));
      assertThat(c.status("a")).contains("\"role\":\"PRIMARY\"");
      assertThat(NetnsCluster.firstAt(c.log("b"), "-> PRIMARY", cut)).isEmpty();
    }
  }
}
