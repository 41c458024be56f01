package io.doppel.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real doppel server process ({@code java -jar server/target/doppel.jar serve --config F}) run
 * with the JDK that runs the tests. Output goes to a log file; failures print its tail.
 */
public final class DoppelProcess implements AutoCloseable {
  private static final Duration START_DEADLINE = Duration.ofSeconds(90);
  private final Path dir;
  private final DoppelConfig config;
  private final Path configFile;
  private final Path log;
  private Process process;
  private int starts;

  public DoppelProcess(Path dir, DoppelConfig config) throws IOException {
    this.dir = dir;
    this.config = config;
    this.configFile = dir.resolve("doppel.toml");
    this.log = dir.resolve("doppel.log");
    Files.writeString(configFile, config.toToml());
  }

  /** Starts with a standard config in a fresh sub-directory of {@code dir}. */
  public static DoppelProcess startStandard(Path dir) throws IOException {
    DoppelProcess d = new DoppelProcess(dir, DoppelConfig.standard(dir.resolve("data")));
    d.start();
    return d;
  }

  public static Path home() {
    String h = System.getProperty("doppel.home");
    return Path.of(h == null ? System.getProperty("user.dir") + "/.." : h).toAbsolutePath();
  }

  private static Path snapshot;

  /**
   * A private copy of server/target/doppel.jar and lib/, taken once per test JVM and checked with
   * {@code --version}: other engineers rebuild the jar while tests run.
   */
  public static synchronized Path jar() throws IOException {
    if (snapshot != null) {
      return snapshot;
    }
    Path target = home().resolve("server/target");
    if (!Files.isRegularFile(target.resolve("doppel.jar"))) {
      throw new IllegalStateException("doppel jar not built: " + target.resolve("doppel.jar"));
    }
    Path dir = home().resolve("it/target/doppel-snapshot");
    ExecResult last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      deleteTree(dir);
      Files.createDirectories(dir.resolve("lib"));
      Files.copy(target.resolve("doppel.jar"), dir.resolve("doppel.jar"));
      try (var libs = Files.list(target.resolve("lib"))) {
        for (Path l : libs.toList()) {
          Files.copy(l, dir.resolve("lib").resolve(l.getFileName()));
        }
      }
      List<String> cmd = new ArrayList<>(List.of(javaCommand()));
      cmd.addAll(jvmOptions());
      cmd.addAll(List.of("-jar", dir.resolve("doppel.jar").toString(), "--version"));
      last = Exec.run(Duration.ofSeconds(60), cmd);
      if (last.exitCode() == 0) {
        snapshot = dir.resolve("doppel.jar");
        return snapshot;
      }
      pause(3000); // a rebuild is in progress: try again with the next jar
    }
    throw new IllegalStateException("no working doppel jar in " + target + ": " + last);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  public static String javaCommand() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The options bin/doppel adds: RocksDB and Netty warn on every start without them. */
  public static List<String> jvmOptions() {
    List<String> o = new ArrayList<>();
    if (Runtime.version().feature() >= 22) {
      o.add("--enable-native-access=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 23) {
      o.add("--sun-misc-unsafe-memory-access=allow");
    }
    return o;
  }

  public Path configFile() {
    return configFile;
  }

  public DoppelConfig config() {
    return config;
  }

  public int port() {
    return config.nfsPort();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", config.nfsPort());
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  /**
   * Launches the server and waits until the NFS port (and the NBD port, when configured) accepts
   * and /healthz answers 200.
   */
  public void start() throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-Xmx1g"));
    cmd.addAll(jvmOptions());
    cmd.addAll(List.of("-jar", jar().toString()));
    cmd.addAll(List.of("serve", "--config", configFile.toString()));
    Files.writeString(
        log,
        "---- start " + (++starts) + ": " + cmd + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "doppel exited with " + process.exitValue() + " during start-up\n" + logTail(60));
      }
      boolean nbdReady = config.nbdPort() < 0 || Ports.accepting(config.nbdPort());
      if (Ports.accepting(config.nfsPort()) && nbdReady && healthy()) {
        return;
      }
      pause(100);
    }
    kill();
    throw new IllegalStateException(
        "doppel did not become ready within " + START_DEADLINE + "\n" + logTail(60));
  }

  private boolean healthy() {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.adminPort() + "/healthz"))
              .timeout(Duration.ofSeconds(5))
              .build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** GET on the admin port; returns the body. */
  public String admin(String path) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + config.adminPort() + path))
              .timeout(Duration.ofSeconds(10))
              .build();
      return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** SIGTERM, wait up to 30 s for a clean exit, then SIGKILL; returns the exit code. */
  public int stop() {
    if (process == null) {
      return 0;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    Exec.waitQuietly(process);
    return process.exitValue();
  }

  /** SIGKILL and reap. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      Exec.waitQuietly(process);
    }
  }

  /** Resident set size of the server in KiB, from /proc/PID/status. */
  public long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS for pid " + pid());
  }

  /** Runs another doppel sub-command (e.g. fsck) with this server's config. */
  public ExecResult cli(Duration timeout, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaCommand()));
    cmd.addAll(jvmOptions());
    cmd.addAll(List.of("-jar", jar().toString()));
    cmd.addAll(List.of(args));
    return Exec.run(timeout, cmd);
  }

  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "---- doppel log tail ("
          + log
          + ") ----\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    kill();
  }
}
