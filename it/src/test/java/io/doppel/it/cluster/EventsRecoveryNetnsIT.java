package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.doppel.cluster.events.EventSubscriber;
import io.doppel.it.DoppelProcess;
import io.doppel.it.Exec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, real processes: two storage nodes and a witness in namespaces, default timings, events
 * configured on both nodes (a Unix socket, a hook script, SNMP v2c traps to a real {@code
 * snmptrapd} in the witness's namespace). (1) SIGKILL of the primary: the successor's subscribers
 * (an in-test {@link EventSubscriber} and a {@code doppel events --socket} process) get NODE_DOWN
 * and MACHINE_FAILED as JSON lines, the hook sees them, snmptrapd receives the MACHINE_FAILED trap.
 * (2) The killed node restarts: the successor marked it "wait for recovery"; it comes back as a
 * follower and the VIP stays on the successor (no failback configured).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsRecoveryNetnsIT {
  private static final String MIB = ".1.3.6.1.4.1.32473.7";
  @TempDir static Path dir;
  static NetnsCluster c;
  static Process trapd;
  static Process cli;
  static EventSubscriber subscriber;
  static final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  static String primary;
  static String successor;

  @BeforeAll
  static void setUp() throws Exception {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/snmptrapd")), "snmptrapd is not installed");
    Path hook = dir.resolve("hook.sh");
    Files.writeString(
        hook,
        "#!/bin/sh\necho \"$DOPPEL_EVENT_NODE $DOPPEL_EVENT_TYPE\" >> "
            + dir.resolve("hook.out")
            + "\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    c = new NetnsCluster("dev", dir, List.of("a", "b"), true);
    for (String m : List.of("a", "b")) {
      c.extraConfig(
          m,
          """
          [cluster.events]
          socket = "%s"
          hooks = ["%s"]
          hook_timeout_ms = 5000
          snmp_managers = ["10.213.0.9:1162"]
          snmp_community = "public"
          """
              .formatted(socket(m), hook));
    }
    startTrapd();
    c.startAll();
  }

  static Path socket(String m) {
    return dir.resolve(m + ".sock");
  }

  static void startTrapd() throws IOException {
    Path conf = dir.resolve("snmptrapd.conf");
    Files.writeString(conf, "authCommunity log,execute,net public\ndisableAuthorization yes\n");
    Path out = dir.resolve("traps.log");
    ProcessBuilder pb =
        new ProcessBuilder(
            "ip",
            "netns",
            "exec",
            c.lab.ns("w"),
            "/usr/sbin/snmptrapd",
            "-f",
            "-Lo",
            "-C",
            "-c",
            conf.toString(),
            "-p",
            dir.resolve("snmptrapd.pid").toString(),
            "-m",
            "",
            "-On",
            "udp:10.213.0.9:1162");
    pb.environment().put("MIBS", "");
    trapd =
        pb.redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .start();
    c.waitFor(
        Duration.ofSeconds(20),
        "snmptrapd started",
        () -> Files.readString(out).contains("NET-SNMP version"));
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (subscriber != null) {
      subscriber.close();
    }
    for (Process p : new Process[] {cli, trapd}) {
      if (p != null) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      }
    }
    if (c != null) {
      c.close();
    }
  }

  @Test
  @Order(1)
  void sigkillOfThePrimaryReachesSubscribersHooksAndSnmptrapd() throws Exception {
    primary = c.awaitHolder(Duration.ofSeconds(30));
    successor = primary.equals("a") ? "b" : "a";
    c.waitFor(
        Duration.ofSeconds(30),
        successor + " knows the holder",
        () -> c.status(successor).contains("\"holder\":\"" + primary + "\""));
    subscribe(socket(successor));

    c.kill(primary);
    c.waitFor(Duration.ofSeconds(20), successor + " holds the VIP", () -> c.holds(successor));
    c.waitFor(
        Duration.ofSeconds(20),
        "MACHINE_FAILED on the subscriber",
        () -> String.join("\n", lines).contains("\"type\":\"MACHINE_FAILED\""));
    String json = String.join("\n", lines);
    assertThat(json).contains("\"type\":\"NODE_DOWN\"").contains("\"peer\":\"" + primary + "\"");
    Path cliOut = dir.resolve("events-cli.out");
    c.waitFor(
        Duration.ofSeconds(20),
        "MACHINE_FAILED from doppel events",
        () ->
            Files.readString(cliOut)
                .replaceAll("\\s+", "")
                .contains("\"type\":\"MACHINE_FAILED\""));
    assertThat(Files.readString(cliOut).replaceAll("\\s+", "")).contains("\"type\":\"NODE_DOWN\"");
    Path hookOut = dir.resolve("hook.out");
    c.waitFor(
        Duration.ofSeconds(20),
        "the hook saw MACHINE_FAILED",
        () ->
            Files.exists(hookOut)
                && Files.readString(hookOut).contains(successor + " MACHINE_FAILED"));
    assertThat(Files.readString(hookOut)).contains(successor + " NODE_DOWN");
    Path traps = dir.resolve("traps.log");
    c.waitFor(
        Duration.ofSeconds(20),
        "snmptrapd got MACHINE_FAILED",
        () -> Files.readString(traps).contains(MIB + ".1.1.2 = STRING: \"MACHINE_FAILED\""));
    String t = Files.readString(traps);
    assertThat(t).contains(".1.3.6.1.6.3.1.1.4.1.0 = OID: " + MIB + ".0.6");
    assertThat(t).contains(MIB + ".1.1.1 = STRING: \"" + successor + "\"");
    assertThat(t).contains(MIB + ".1.1.4 = STRING: \"" + primary + "\"");
  }

  /** An in-test subscriber and a {@code doppel events} process, both connected before returning. */
  static void subscribe(Path socket) throws Exception {
    subscriber = EventSubscriber.connect(socket);
    Thread reader =
        new Thread(
            () -> {
              try {
                for (String l = subscriber.nextLine(); l != null; l = subscriber.nextLine()) {
                  lines.add(l.replaceAll("\\s+", ""));
                }
              } catch (IOException e) {
                // closed at tear-down
              }
            },
            "events-subscriber");
    reader.setDaemon(true);
    reader.start();
    List<String> cmd = new ArrayList<>(List.of(DoppelProcess.javaCommand(), "-Xmx64m"));
    cmd.addAll(
        List.of("-jar", DoppelProcess.jar().toString(), "events", "--socket", socket.toString()));
    cli =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(dir.resolve("events-cli.err").toFile())
            .redirectOutput(dir.resolve("events-cli.out").toFile())
            .start();
    c.waitFor(
        Duration.ofSeconds(30),
        "two subscribers connected to " + socket,
        () -> connections(socket) >= 2);
  }

  /** Connected Unix sockets whose local address is {@code socket} (the server's accepted ends). */
  static int connections(Path socket) throws IOException {
    String ss = Exec.run(Duration.ofSeconds(10), List.of("ss", "-xH")).stdoutText();
    return NetnsCluster.count(ss, socket.toString() + " ");
  }

  @Test
  @Order(2)
  void theRestartedOldPrimaryWaitsAsFollower() throws Exception {
    assumeTrue(primary != null && c.holds(successor), "needs the takeover of the first test");
    c.launch(primary);
    c.awaitListening(primary, 2);
    c.waitFor(
        Duration.ofSeconds(30),
        primary + " follows " + successor,
        () -> {
          String s = c.status(primary);
          return s.contains("\"holder\":\"" + successor + "\"")
              && s.contains("\"role\":\"FOLLOWER\"")
              && !s.contains("\"state\":\"UNKNOWN\"")
              && !s.contains("\"state\":\"FAILED\"");
        });
    c.during(
        Duration.ofSeconds(4),
        () -> c.holder().equals(Optional.of(successor)),
        "the VIP stays on " + successor);
    assertThat(c.status(primary))
        .contains("\"role\":\"FOLLOWER\"")
        .contains("\"addressHeld\":false");
    assertThat(c.status(successor)).contains("\"role\":\"PRIMARY\"");
    assertThat(NetnsCluster.sinceListening(c.log(primary), 2)).doesNotContain("to=PRIMARY");
  }
}
