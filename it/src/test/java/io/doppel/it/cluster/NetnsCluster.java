package io.doppel.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.it.DoppelProcess;
import io.doppel.it.Exec;
import java.io.File;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A doppel cluster of real processes in network namespaces ({@link NetnsLab}): storage nodes on two
 * networks (client = eth0 at 10.213.0.host, replication = eth1 at 10.213.1.host), an optional
 * witness on the client network, one virtual server {@code vs1} with {@link #VIP} on eth0, default
 * timings. Starts and stops only its own processes, by PID, and waits for them; {@link #close()}
 * also deletes the namespaces.
 */
final class NetnsCluster implements AutoCloseable {
  static final String VIP = "10.213.0.100/24";
  static final Duration START = Duration.ofSeconds(90);
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
  private static final Pattern LINE =
      Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3}) .*$", Pattern.MULTILINE);

  final NetnsLab lab;
  private final Path dir;
  private final List<String> nodes;
  private final boolean witness;
  private final Map<String, String> extra = new LinkedHashMap<>();
  private String clusterOptions = "";
  private String virtualServerOptions = "";
  private final Map<String, Process> processes = new LinkedHashMap<>();

  /** Nodes get hosts 1, 2, 3... in list order (the virtual server's priority order); w gets 9. */
  NetnsCluster(String prefix, Path dir, List<String> nodes, boolean witness) throws IOException {
    this.lab = new NetnsLab(prefix + ProcessHandle.current().pid() % 10000);
    this.dir = dir;
    this.nodes = List.copyOf(nodes);
    this.witness = witness;
    lab.bridges(2);
    for (int i = 0; i < nodes.size(); i++) {
      lab.member(nodes.get(i), i + 1, 0, 1);
    }
    if (witness) {
      lab.member("w", 9, 0);
    }
  }

  /** TOML appended to {@code member}'s config (e.g. a {@code [cluster.events]} table). */
  NetnsCluster extraConfig(String member, String toml) {
    extra.put(member, toml);
    return this;
  }

  /** Keys for every member's {@code [cluster]} table (e.g. {@code two_node_policy}). */
  NetnsCluster clusterOptions(String toml) {
    this.clusterOptions = toml;
    return this;
  }

  /** Keys for the {@code vs1} table of every member (e.g. {@code failback = true}). */
  NetnsCluster virtualServerOptions(String toml) {
    this.virtualServerOptions = toml;
    return this;
  }

  Path home(String member) {
    return dir.resolve(member);
  }

  /** Starts the witness (if any) and every node, and waits until all listen. */
  NetnsCluster startAll() throws IOException {
    List<String> all = new ArrayList<>(nodes);
    if (witness) {
      all.addFirst("w");
    }
    for (String m : all) {
      launch(m);
    }
    for (String m : all) {
      awaitListening(m, 1);
    }
    return this;
  }

  /** Starts {@code member} (again): its log is appended to. */
  void launch(String member) throws IOException {
    Path home = home(member);
    Files.createDirectories(home);
    Path configFile = home.resolve("doppel.toml");
    Files.writeString(configFile, config(member));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip", "netns", "exec", lab.ns(member), DoppelProcess.javaCommand(), "-Xmx256m"));
    cmd.addAll(DoppelProcess.jvmOptions());
    String command = member.equals("w") ? "witness" : "serve";
    cmd.addAll(
        List.of(
            "-jar", DoppelProcess.jar().toString(), command, "--config", configFile.toString()));
    Process p =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("doppel.log").toFile()))
            .start();
    processes.put(member, p); // `ip netns exec` execs java: this PID is the JVM's
  }

  /** Waits until {@code member}'s log holds {@code n} "event=listening" lines. */
  void awaitListening(String member, int n) {
    waitFor(START, member + " listening", () -> count(log(member), "event=listening") >= n);
  }

  private String config(String name) {
    StringBuilder c = new StringBuilder();
    c.append(
        "[node]\nname = \"%s\"\ndata_dir = \"%s\"\n".formatted(name, home(name).resolve("data")));
    c.append("[admin]\nbind = \"127.0.0.1\"\nport = 9180\n");
    if (!name.equals("w")) {
      c.append(
          """
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
          """);
    }
    c.append("[cluster]\n").append(clusterOptions);
    for (int i = 0; i < nodes.size(); i++) {
      c.append(
          "[[cluster.nodes]]\nname = \"%s\"\nlinks = { client = \"10.213.0.%d:7101\", replication = \"10.213.1.%d:7101\" }\n"
              .formatted(nodes.get(i), i + 1, i + 1));
    }
    if (witness) {
      c.append("[cluster.witness]\nname = \"w\"\nlinks = { client = \"10.213.0.9:7101\" }\n");
    }
    String order = String.join("\", \"", nodes);
    c.append(
        "[[cluster.virtual_servers]]\nname = \"vs1\"\nnodes = [\"%s\"]\naddress = \"%s\"\ninterface = \"eth0\"\n"
            .formatted(order, VIP));
    c.append(virtualServerOptions);
    c.append(extra.getOrDefault(name, ""));
    return c.toString();
  }

  /** SIGKILL, then waits for the process to be gone. */
  void kill(String member) throws InterruptedException {
    Process p = processes.remove(member);
    p.destroyForcibly();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(member + " exited after SIGKILL").isTrue();
  }

  /** SIGTERM (graceful shutdown), then waits for the process to exit by itself. */
  void terminate(String member) throws InterruptedException {
    Process p = processes.remove(member);
    p.destroy();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(member + " exited after SIGTERM").isTrue();
  }

  /** The PID of {@code member}'s running JVM. */
  long pid(String member) {
    return processes.get(member).pid();
  }

  /** True while {@code member}'s process (started here) runs. */
  boolean alive(String member) {
    Process p = processes.get(member);
    return p != null && p.isAlive();
  }

  /** {@code POST path} to {@code member}'s admin endpoint inside its namespace; the body. */
  String post(String member, String path) throws IOException {
    return Exec.run(
            Duration.ofSeconds(10),
            List.of(
                "ip",
                "netns",
                "exec",
                lab.ns(member),
                "curl",
                "-s",
                "-m",
                "3",
                "-X",
                "POST",
                "http://127.0.0.1:9180" + path))
        .stdoutText();
  }

  String log(String member) {
    try {
      return Files.readString(home(member).resolve("doppel.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  boolean holds(String member) throws IOException {
    return lab.addresses(member).contains("inet " + VIP + " ");
  }

  /**
   * The node carrying the VIP; fails when two do. The namespaces are read one after the other (each
   * read takes milliseconds), so a handover between two reads can look like two holders: the
   * earlier-read holders are read again, and one that let go meanwhile was moving, not overlapping.
   * One still holding after the last holder was read held it together with that one.
   */
  Optional<String> holder() throws IOException {
    List<String> holding = new ArrayList<>();
    for (String n : nodes) {
      if (holds(n)) {
        holding.add(n);
      }
    }
    if (holding.size() > 1) {
      String last = holding.get(holding.size() - 1);
      List<String> still = new ArrayList<>();
      for (String n : holding.subList(0, holding.size() - 1)) {
        if (holds(n)) {
          still.add(n);
        }
      }
      still.add(last);
      holding = still;
    }
    assertThat(holding).as("nodes carrying the VIP").hasSizeLessThanOrEqualTo(1);
    return holding.stream().findFirst();
  }

  /**
   * Polls every 10 ms until {@code member} is the only node carrying the VIP, asserting at every
   * poll that no two nodes carry it; returns the milliseconds it took.
   */
  long untilSoleHolder(String member, Duration max) throws IOException {
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    while (!holder().equals(Optional.of(member))) { // holder() fails on two holders
      assertThat(System.nanoTime())
          .as(member + " alone carries the VIP within " + max + "\n" + tails())
          .isLessThan(deadline);
      LockSupport.parkNanos(10_000_000);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /**
   * Waits until some node carries the VIP and returns it, from one poll (asking twice could see the
   * address move in between under load).
   */
  String awaitHolder(Duration max) {
    String[] found = new String[1];
    waitFor(
        max,
        "someone holds the VIP",
        () -> {
          found[0] = holder().orElse(null);
          return found[0] != null;
        });
    return found[0];
  }

  /** {@code member}'s {@code /status} JSON, read with curl inside its namespace ("" if none). */
  String status(String member) throws IOException {
    return Exec.run(
            Duration.ofSeconds(10),
            List.of(
                "ip",
                "netns",
                "exec",
                lab.ns(member),
                "curl",
                "-s",
                "-m",
                "3",
                "http://127.0.0.1:9180/status"))
        .stdoutText()
        .replaceAll("\\s+", "");
  }

  void waitFor(Duration max, String what, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + max.toNanos();
    try {
      while (!condition.call()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(what + ": not within " + max + "\n" + tails());
        }
        LockSupport.parkNanos(20_000_000);
      }
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(what, e);
    }
  }

  /** Asserts {@code check} on every poll for {@code d}. */
  void during(Duration d, Callable<Boolean> check, String what) throws Exception {
    long until = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < until) {
      assertThat(check.call()).as(what).isTrue();
      LockSupport.parkNanos(50_000_000);
    }
  }

  String tails() {
    StringBuilder b = new StringBuilder();
    for (String m : processesAndDead()) {
      String l = log(m);
      b.append("--- ").append(m).append(":\n").append(l.substring(Math.max(0, l.length() - 3000)));
    }
    return b.toString();
  }

  private List<String> processesAndDead() {
    List<String> all = new ArrayList<>(nodes);
    if (witness) {
      all.add("w");
    }
    return all;
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** Time of the first log line containing {@code needle} at or after {@code after}, if any. */
  static Optional<LocalDateTime> firstAt(String log, String needle, LocalDateTime after) {
    Matcher m = LINE.matcher(log);
    while (m.find()) {
      if (m.group().contains(needle)) {
        LocalDateTime t = LocalDateTime.parse(m.group(1), LOG_TIME);
        if (!t.isBefore(after)) {
          return Optional.of(t);
        }
      }
    }
    return Optional.empty();
  }

  /** The log lines from the {@code n}-th "event=listening" line (1-based) on. */
  static String sinceListening(String log, int n) {
    int at = -1;
    for (int i = 0; i < n; i++) {
      at = log.indexOf("event=listening", at + 1);
      if (at < 0) {
        return "";
      }
    }
    return log.substring(at);
  }

  @Override
  public void close() {
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      e.getValue().destroyForcibly();
      try {
        e.getValue().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    lab.close();
  }
}
