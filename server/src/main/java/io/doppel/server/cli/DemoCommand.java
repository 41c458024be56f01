package io.doppel.server.cli;

import io.doppel.server.config.ConfigException;
import io.doppel.server.node.DoppelNode;
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
 * {@code doppel demo}: a local multi-node demo on loopback, real clients included. Writes configs
 * for storage nodes {@code a} and {@code b} and witness {@code w} into the demo directory, starts
 * all three in this process ({@link DemoCluster}), prints the commands to try, self-checks with the
 * libnfs tools, {@code nbdinfo} and {@code qemu-io} when they are installed, then runs a scripted
 * failover of virtual server {@code vs1} the user can watch ({@link DemoFailover}).
 */
@Command(
    name = "demo",
    description =
        "Starts nodes a and b and witness w on 127.0.0.1 (export /demo, mirrored NBD volume demo,"
            + " virtual server vs1), shows how to use them and fails vs1 over.",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped normally (or all checks passed with --exit-after-check)",
      "1:start-up or a check failed",
      "2:usage error"
    })
final class DemoCommand implements Callable<Integer> {
  static final String HOST = "127.0.0.1";
  static final String EXPORT = "/demo";
  static final String VOLUME = "demo";
  static final Path DEFAULT_DIR = Path.of(".doppel-demo");

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to keep the configs and data (default: .doppel-demo).")
  Path dir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "2049",
      description = "Node a's NFS/MOUNT port (default: ${DEFAULT-VALUE}; 0 = ephemeral).")
  int port;

  @Option(
      names = "--nbd-port",
      paramLabel = "PORT",
      defaultValue = "10809",
      description = "Node a's NBD port (default: ${DEFAULT-VALUE}; 0 = ephemeral).")
  int nbdPort;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "Node a's admin HTTP port (default: ${DEFAULT-VALUE} = ephemeral).")
  int adminPort;

  @Option(names = "--no-failover", description = "Skip the scripted failover of vs1.")
  boolean noFailover;

  @Option(
      names = "--exit-after-check",
      description = "Stop after the self-checks and the failover; exit 0 when all passed.")
  boolean exitAfterCheck;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = (dir != null ? dir : DEFAULT_DIR).toAbsolutePath().normalize();
    DemoCluster demo;
    try {
      demo = DemoCluster.start(home, new DemoCluster.Ports(port, adminPort, nbdPort));
    } catch (ConfigException e) {
      ConfigOptions.report(e, err);
      return ExitCodes.CONFIG;
    } catch (IOException | RuntimeException e) {
      err.println("doppel: cannot start the demo: " + CliMessages.describe(e));
      err.flush();
      return ExitCodes.FAILED;
    }
    Thread hook = new Thread(demo::close, "doppel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      boolean ok = showAndCheck(demo, out);
      if (exitAfterCheck) {
        out.println(ok ? "demo: all checks passed; stopping." : "demo: some checks FAILED.");
        out.flush();
        return ok ? ExitCodes.OK : ExitCodes.FAILED;
      }
      out.println("Running; press Ctrl-C to stop all three nodes.");
      out.flush();
      demo.awaitStopped();
      return ExitCodes.OK;
    } finally {
      if (exitAfterCheck) {
        demo.close();
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }

  /** Prints the instructions, runs the self-checks and the failover; true when all passed. */
  private boolean showAndCheck(DemoCluster demo, PrintWriter out)
      throws IOException, InterruptedException {
    DoppelNode a = demo.node("a");
    out.print(instructions(demo));
    out.print(BlockDemo.instructions(HOST, a.nbdPort(), VOLUME));
    out.flush();
    List<String> checks =
        List.of(
            selfCheck(demo.dir(), a.nfsPort()),
            BlockDemo.selfCheck(HOST, a.nbdPort(), VOLUME),
            BlockDemo.qemuCheck(HOST, a.nbdPort(), VOLUME));
    boolean ok = true;
    for (String c : checks) {
      out.println(c);
      ok &= !c.contains("FAILED");
    }
    out.println();
    out.flush();
    if (!noFailover) {
      ok &= new DemoFailover(demo, out).run();
    }
    return ok;
  }

  /** What runs where and the commands to try against node a (and the cluster tools). */
  static String instructions(DemoCluster demo) {
    DoppelNode a = demo.node("a");
    DoppelNode b = demo.node("b");
    String root = NfsTools.url(HOST, EXPORT, "", a.nfsPort());
    String file = NfsTools.url(HOST, EXPORT, "hostname", a.nfsPort());
    String adminA = "http://" + HOST + ":" + a.adminPort();
    String adminB = "http://" + HOST + ":" + b.adminPort();
    String adminW = "http://" + HOST + ":" + demo.witnessAdminPort();
    Path dir = demo.dir();
    return String.join(
        "\n",
        "doppel demo: nodes a and b and witness w are running on " + HOST + ".",
        "  configs: " + dir.resolve("a.toml") + ", b.toml, w.toml",
        "  node a:  export " + EXPORT + " on " + HOST + ":" + a.nfsPort() + ", admin " + adminA,
        "  node b:  export " + EXPORT + " on " + HOST + ":" + b.nfsPort() + ", admin " + adminB,
        "  witness: w, admin " + adminW,
        "  vs1:     virtual server on a and b; its VIP 10.213.0.10 is simulated (marker "
            + dir.resolve("vip-vs1-on-NODE")
            + ")",
        "  note:    the file face fails over the address, not yet the data: NFS replication is"
            + " not built yet, so b's /demo is empty. The block volume is mirrored a -> b.",
        "",
        "Try (libnfs-utils):",
        "  nfs-ls \"" + root + "\"",
        "  nfs-cp /etc/hostname \"" + file + "\"",
        "  nfs-cat \"" + file + "\"",
        "  mount -t nfs -o vers=3,proto=tcp,port="
            + a.nfsPort()
            + ",mountport="
            + a.nfsPort()
            + ",nolock "
            + HOST
            + ":"
            + EXPORT
            + " /mnt   (as root)",
        "",
        "Cluster:",
        "  doppel status --admin " + adminA,
        "  doppel status --admin " + adminB,
        "  doppel status --admin " + adminW,
        "  doppel events --socket " + DemoCluster.eventsSocket(dir, "a"),
        "  doppel failover vs1 --to b --admin URL-OF-THE-HOLDER",
        "",
        "");
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
