package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.doppel.it.DoppelProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two storage nodes and a witness, each a real doppel process in its own network namespace, with
 * two networks (client = eth0, replication = eth1) on bridges, default cluster timings and the
 * built-in VIP commands (ip + arping). One link of the primary goes down: LINK_FAULT, no failover.
 * Then the primary is SIGKILLed: the other node holds the VIP within a deadline (time printed).
 */
class VipNetnsIT {
  static final String VIP = "10.213.0.100/24";
  static final Duration START = Duration.ofSeconds(90);
  @TempDir static Path dir;
  static NetnsLab lab;
  static final Map<String, Process> processes = new LinkedHashMap<>();

  @BeforeAll
  static void setUp() throws IOException {
    assumeTrue(NetnsLab.available(), "cannot create network namespaces (needs root): skipped");
    lab = new NetnsLab("dvip" + ProcessHandle.current().pid() % 10000);
    lab.bridges(2);
    lab.member("a", 1, 0, 1);
    lab.member("b", 2, 0, 1);
    lab.member("w", 3, 0);
    launch("w", "witness");
    launch("a", "serve");
    launch("b", "serve");
    for (String m : processes.keySet()) {
      waitFor(START, "listening " + m, () -> log(m).contains("event=listening"));
    }
  }

  @AfterAll
  static void tearDown() {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      e.getValue().destroyForcibly();
      try {
        e.getValue().waitFor();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    if (lab != null) {
      lab.close();
    }
  }

  static String config(String name) {
    String members =
        """
        [cluster]
        [[cluster.nodes]]
        name = "a"
        links = { client = "10.213.0.1:7101", replication = "10.213.1.1:7101" }
        [[cluster.nodes]]
        name = "b"
        links = { client = "10.213.0.2:7101", replication = "10.213.1.2:7101" }
        [cluster.witness]
        name = "w"
        links = { client = "10.213.0.3:7101" }
        [[cluster.virtual_servers]]
        name = "vs1"
        nodes = ["a", "b"]
        address = "%s"
        interface = "eth0"
        """
            .formatted(VIP);
    String storage =
        name.equals("w")
            ? ""
            : """
              [nfs]
              bind = "0.0.0.0"
              port = 2049
              portmap = "off"
              workers = 2
              [[exports]]
              path = "/data"
              id = 1
                [[exports.clients]]
                match = "*"
              """;
    return """
        [node]
        name = "%s"
        data_dir = "%s"
        [admin]
        bind = "127.0.0.1"
        port = 9180
        """
            .formatted(name, dir.resolve(name).resolve("data"))
        + storage
        + members;
  }

  static void launch(String member, String command) throws IOException {
    Path home = dir.resolve(member);
    Files.createDirectories(home);
    Path configFile = home.resolve("doppel.toml");
    Files.writeString(configFile, config(member));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip", "netns", "exec", lab.ns(member), DoppelProcess.javaCommand(), "-Xmx256m"));
    cmd.addAll(DoppelProcess.jvmOptions());
    cmd.addAll(
        List.of(
            "-jar", DoppelProcess.jar().toString(), command, "--config", configFile.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("doppel.log").toFile())
            .start();
    processes.put(member, p);
  }

  static String log(String member) {
    try {
      return Files.readString(dir.resolve(member).resolve("doppel.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static void waitFor(Duration max, String what, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + max.toNanos();
    try {
      while (!condition.call()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              what
                  + ": not within "
                  + max
                  + "\n--- a:\n"
                  + tail("a")
                  + "\n--- b:\n"
                  + tail("b")
                  + "\n--- w:\n"
                  + tail("w"));
        }
        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
      }
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(what, e);
    }
  }

  static String tail(String member) {
    String l = log(member);
    return l.substring(Math.max(0, l.length() - 4000));
  }

  static boolean holds(String member) throws IOException {
    return lab.addresses(member).contains("inet " + VIP);
  }

  static Optional<String> holder() throws IOException {
    boolean a = holds("a");
    boolean b = holds("b");
    assertThat(a && b).as("both nodes carry the VIP").isFalse();
    return a ? Optional.of("a") : b ? Optional.of("b") : Optional.empty();
  }

  @Test
  void oneLinkDownIsALinkFaultThenSigkillMovesTheVip() throws Exception {
    waitFor(Duration.ofSeconds(30), "someone holds the VIP", () -> holder().isPresent());
    String primary = holder().orElseThrow();
    String other = primary.equals("a") ? "b" : "a";

    lab.link(primary, 1, false); // the replication network of the primary
    waitFor(
        Duration.ofSeconds(15),
        "LINK_FAULT logged",
        () -> log(other).contains("type=LINK_FAULT") || log(primary).contains("type=LINK_FAULT"));
    long watchUntil = System.nanoTime() + Duration.ofSeconds(4).toNanos(); // > 3 suspect timeouts
    while (System.nanoTime() < watchUntil) {
      assertThat(holder()).as("no failover on one link fault").contains(primary);
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
    }
    assertThat(log(other)).doesNotContain("type=NODE_DOWN");
    lab.link(primary, 1, true);
    waitFor(
        Duration.ofSeconds(15),
        "LINK_RESTORED logged",
        () ->
            log(other).contains("type=LINK_RESTORED")
                || log(primary).contains("type=LINK_RESTORED"));

    long killed = System.nanoTime();
    processes.get(primary).destroyForcibly(); // SIGKILL
    waitFor(Duration.ofSeconds(20), other + " holds the VIP", () -> holds(other));
    long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
    System.out.printf(
        "VipNetnsIT: SIGKILL of %s -> VIP on %s after %d ms (default timings);"
            + " in %s's log NODE_DOWN -> vip_added %s ms%n",
        primary, other, takeoverMs, other, detectionToTakeover(log(other)));
    assertThat(takeoverMs).isLessThan(10_000);
    assertThat(log(other)).contains("type=NODE_DOWN").contains("event=vip_added");
  }

  private static final Pattern LINE =
      Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .*$", Pattern.MULTILINE);

  /** Milliseconds from the last NODE_DOWN to the following vip_added in a log, or "?". */
  static String detectionToTakeover(String log) {
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
    LocalDateTime down = null;
    Matcher m = LINE.matcher(log);
    while (m.find()) {
      String line = m.group();
      if (line.contains("type=NODE_DOWN")) {
        down = LocalDateTime.parse(m.group(1), f);
      } else if (line.contains("event=vip_added") && down != null) {
        return Long.toString(Duration.between(down, LocalDateTime.parse(m.group(1), f)).toMillis());
      }
    }
    return "?";
  }
}
