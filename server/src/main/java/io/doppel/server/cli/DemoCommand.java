package io.doppel.server.cli;

import io.doppel.metrics.MetricRegistry;
import io.doppel.server.config.ConfigException;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.node.DoppelNode;
import io.doppel.server.node.NfsWiring;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code doppel demo}: writes a one-node config with export {@code /demo} open to 127.0.0.0/8 and a
 * 256 MiB block volume {@code demo} served over NBD, starts the node in this process, prints
 * commands to try and runs a self-check with the libnfs tools and {@code nbdinfo} when they are
 * installed.
 */
@Command(
    name = "demo",
    description =
        "Starts a demo node on 127.0.0.1 with export /demo and NBD volume demo, and shows how to"
            + " use them.",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "1:start-up failed", "2:usage error"})
final class DemoCommand implements Callable<Integer> {
  static final String HOST = "127.0.0.1";
  static final String EXPORT = "/demo";
  static final String VOLUME = "demo";

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to keep the config and data (default: a new temporary directory).")
  Path dir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "2049",
      description = "NFS/MOUNT port (default: ${DEFAULT-VALUE}; 0 = ephemeral).")
  int port;

  @Option(
      names = "--nbd-port",
      paramLabel = "PORT",
      defaultValue = "10809",
      description = "NBD port (default: ${DEFAULT-VALUE}; 0 = ephemeral).")
  int nbdPort;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "Admin HTTP port (default: ${DEFAULT-VALUE} = ephemeral).")
  int adminPort;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = dir != null ? dir : Files.createTempDirectory("doppel-demo-");
    Path configFile = writeConfig(home, port, adminPort, nbdPort);
    DoppelConfig config;
    try {
      config = NfsWiring.configLoader().load(configFile);
    } catch (ConfigException e) {
      ConfigOptions.report(e, err);
      return ExitCodes.CONFIG;
    }
    DoppelNode node = DoppelNode.create(config, new MetricRegistry());
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "doppel-shutdown"));
    if (!ServeCommand.startOrReport(node, err)) {
      return ExitCodes.FAILED;
    }
    out.print(instructions(configFile, node.nfsPort(), node.adminPort()));
    out.print(BlockDemo.instructions(HOST, node.nbdPort(), VOLUME));
    out.flush();
    out.println(selfCheck(home, node.nfsPort()));
    out.println(BlockDemo.selfCheck(HOST, node.nbdPort(), VOLUME));
    out.println("Running; press Ctrl-C to stop.");
    out.flush();
    node.awaitStopped();
    return ExitCodes.OK;
  }

  /** Writes {@code dir/doppel.toml} for the demo node (NBD on 10809) and returns its path. */
  static Path writeConfig(Path dir, int nfsPort, int adminPort) throws IOException {
    return writeConfig(dir, nfsPort, adminPort, 10809);
  }

  /** Writes {@code dir/doppel.toml} for the demo node and returns its path. */
  static Path writeConfig(Path dir, int nfsPort, int adminPort, int nbdPort) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("doppel.toml");
    String toml =
        """
        # Written by `doppel demo`: one node on 127.0.0.1 with export /demo and volume demo.
        [node]
        name = "demo"
        data_dir = "data"

        [nfs]
        bind = "127.0.0.1"
        port = %d
        portmap = "off"    # libnfs URLs below name the port; no rpcbind needed

        [admin]
        bind = "127.0.0.1"
        port = %d

        [[exports]]
        path = "/demo"
        id = 1
          [[exports.clients]]
          match = "127.0.0.0/8"
          access = "rw"
          squash = "none"

        [nbd]
        bind = "127.0.0.1"
        port = %d

        [[volumes]]
        name = "demo"
        size = "256M"      # a sparse image in data/volumes/demo.img
        """
            .formatted(nfsPort, adminPort, nbdPort);
    Files.writeString(file, toml, StandardCharsets.UTF_8);
    return file;
  }

  static String instructions(Path configFile, int nfsPort, int adminPort) {
    String root = NfsTools.url(HOST, EXPORT, "", nfsPort);
    String file = NfsTools.url(HOST, EXPORT, "hostname", nfsPort);
    String admin = "http://" + HOST + ":" + adminPort;
    return String.join(
        "\n",
        "doppel demo node is running.",
        "  config:  " + configFile,
        "  export:  " + EXPORT + " on " + HOST + ":" + nfsPort + " (NFS v3 + MOUNT v3, TCP/UDP)",
        "  admin:   " + admin + "/  (" + admin + "/metrics, " + admin + "/status)",
        "",
        "Try:",
        "  nfs-ls \"" + root + "\"",
        "  nfs-cp /etc/hostname \"" + file + "\"",
        "  nfs-cat \"" + file + "\"",
        "  doppel status --admin " + admin,
        "  mount -t nfs -o vers=3,proto=tcp,port="
            + nfsPort
            + ",mountport="
            + nfsPort
            + ",nolock "
            + HOST
            + ":"
            + EXPORT
            + " /mnt",
        "",
        "");
  }

  /** Copies a file in with nfs-cp and reads it back with nfs-cat; describes the outcome. */
  static String selfCheck(Path home, int nfsPort) throws IOException, InterruptedException {
    Optional<Path> cp = NfsTools.find("nfs-cp");
    Optional<Path> cat = NfsTools.find("nfs-cat");
    if (cp.isEmpty() || cat.isEmpty()) {
      return "self-check: skipped (nfs-cp/nfs-cat not installed; Debian: libnfs-utils)";
    }
    String content = "hello from doppel demo\n";
    Path local = home.resolve("selfcheck.txt");
    Files.writeString(local, content, StandardCharsets.UTF_8);
    String url = NfsTools.url(HOST, EXPORT, "selfcheck.txt", nfsPort);
    Duration timeout = Duration.ofSeconds(20);
    NfsTools.Result copy =
        NfsTools.run(timeout, List.of(cp.get().toString(), local.toString(), url));
    if (!copy.ok()) {
      return "self-check: FAILED: nfs-cp exited " + copy.exitCode() + ": " + copy.stderr().strip();
    }
    NfsTools.Result read = NfsTools.run(timeout, List.of(cat.get().toString(), url));
    if (!read.ok() || !read.stdout().equals(content)) {
      return "self-check: FAILED: nfs-cat exited "
          + read.exitCode()
          + ", read "
          + read.stdout().length()
          + " chars: "
          + read.stderr().strip();
    }
    return "self-check: ok (nfs-cp wrote /demo/selfcheck.txt, nfs-cat read it back)";
  }
}
