package io.doppel.server.cli;

import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.AdminServer;
import io.doppel.server.admin.StatusReport;
import io.doppel.server.admin.Version;
import io.doppel.server.config.ConfigException;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.node.ClusterWiring;
import io.doppel.server.node.DoppelNode;
import io.doppel.server.node.NfsWiring;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of {@code doppel demo}, all in this JVM on 127.0.0.1: storage nodes {@code a} and
 * {@code b} (each with export {@code /demo}; volume {@code demo} mirrored from a to b) and the
 * witness {@code w}, with one virtual server {@code vs1} on a and b whose VIP commands only touch
 * and remove a marker file, so the demo changes no network configuration.
 */
final class DemoCluster implements AutoCloseable {
  static final List<String> NODES = List.of("a", "b");
  static final String WITNESS = "w";
  static final String VIRTUAL_SERVER = "vs1";

  /**
   * Ports the user may fix for node a (0 = ephemeral); every other port is picked free.
   *
   * @param nfsA node a's NFS/MOUNT port
   * @param adminA node a's admin HTTP port
   * @param nbdA node a's NBD port (a is the volume's primary)
   */
  record Ports(int nfsA, int adminA, int nbdA) {}

  private final Path dir;
  private final Map<String, DoppelNode> nodes = new LinkedHashMap<>();
  private ClusterWiring witness;
  private AdminServer witnessAdmin;

  private DemoCluster(Path dir) {
    this.dir = dir;
  }

  /** Writes the three configs into {@code dir} and starts the witness, then a, then b. */
  static DemoCluster start(Path dir, Ports ports) throws IOException, ConfigException {
    Map<String, Path> files = writeConfigs(dir, ports);
    DemoCluster demo = new DemoCluster(dir);
    try {
      demo.startWitness(NfsWiring.configLoader().load(files.get(WITNESS)));
      for (String n : NODES) {
        DoppelNode node = DoppelNode.create(NfsWiring.configLoader().load(files.get(n)), metrics());
        demo.nodes.put(n, node);
        node.start();
      }
    } catch (IOException | ConfigException | RuntimeException e) {
      demo.close();
      throw e;
    }
    return demo;
  }

  private static MetricRegistry metrics() {
    return new MetricRegistry();
  }

  /** The same wiring {@code doppel witness} runs: the cluster agent plus the admin endpoint. */
  private void startWitness(DoppelConfig config) throws IOException {
    MetricRegistry metrics = metrics();
    long started = System.nanoTime();
    witness =
        ClusterWiring.start(WITNESS, config.cluster().orElseThrow(), metrics, new SecureRandom());
    ClusterWiring cluster = witness;
    witnessAdmin =
        AdminServer.start(
            new InetSocketAddress(config.admin().bind(), 0),
            metrics,
            () ->
                new StatusReport(
                    WITNESS,
                    Version.current(),
                    "RUNNING",
                    (System.nanoTime() - started) / 1_000_000_000L,
                    -1,
                    witnessAdmin == null ? -1 : witnessAdmin.port(),
                    -1,
                    List.of(),
                    List.of(),
                    cluster.status()));
  }

  DoppelNode node(String name) {
    return nodes.get(name);
  }

  int witnessAdminPort() {
    return witnessAdmin.port();
  }

  Path dir() {
    return dir;
  }

  /** The events socket of {@code node}. */
  static Path eventsSocket(Path dir, String node) {
    return dir.resolve("events-" + node + ".sock");
  }

  /** The marker file present while {@code node} carries vs1's address. */
  static Path vipMarker(Path dir, String node) {
    return dir.resolve("vip-vs1-on-" + node);
  }

  /** Blocks until node a has stopped (the shutdown hook closes everything). */
  void awaitStopped() throws InterruptedException {
    DoppelNode a = nodes.get(NODES.get(0));
    if (a != null) {
      a.awaitStopped();
    }
  }

  /** Closes b, a and then the witness; safe to call twice. */
  @Override
  public synchronized void close() {
    for (String n : NODES.reversed()) {
      DoppelNode node = nodes.remove(n);
      if (node != null) {
        node.close();
      }
    }
    if (witnessAdmin != null) {
      witnessAdmin.close();
      witnessAdmin = null;
    }
    if (witness != null) {
      witness.close();
      witness = null;
    }
  }

  /** Writes {@code a.toml}, {@code b.toml} and {@code w.toml}; returns them by node name. */
  static Map<String, Path> writeConfigs(Path dir, Ports ports) throws IOException {
    Files.createDirectories(dir);
    Map<String, Integer> links = new LinkedHashMap<>();
    for (String n : List.of("a", "b", WITNESS)) {
      links.put(n, freeUdpPort());
    }
    Map<String, Integer> replication = Map.of("a", freeTcpPort(), "b", freeTcpPort());
    Map<String, Path> files = new LinkedHashMap<>();
    for (String n : NODES) {
      boolean isA = n.equals("a");
      String other = isA ? "b" : "a";
      String text =
          nodeToml(n, isA ? ports.nfsA() : 0, isA ? ports.adminA() : 0, isA ? ports.nbdA() : 0)
              + replicationToml(replication.get(n), other, replication.get(other))
              + clusterToml(dir, n, links);
      files.put(n, write(dir.resolve(n + ".toml"), text));
    }
    String witnessText =
        """
        # Written by `doppel demo`: the witness, a third voter that holds no data.
        [node]
        name = "w"
        data_dir = "data-w"

        [admin]
        bind = "127.0.0.1"
        port = 0

        """
            + clusterToml(dir, WITNESS, links);
    files.put(WITNESS, write(dir.resolve(WITNESS + ".toml"), witnessText));
    return files;
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static String nodeToml(String name, int nfsPort, int adminPort, int nbdPort) {
    return """
        # Written by `doppel demo`: node %s of a two-node cluster (a, b) with witness w.
        [node]
        name = "%s"
        data_dir = "data-%s"

        [nfs]
        bind = "127.0.0.1"
        port = %d
        portmap = "off"    # libnfs URLs name the port; no rpcbind needed

        [admin]
        bind = "127.0.0.1"
        port = %d

        [[exports]]        # each node has its own /demo: NFS data is not replicated yet
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
        size = "256M"      # a sparse image in data-%s/volumes/demo.img
        nodes = ["a", "b"] # mirrored: a is primary (listed first), b its backup

        """
        .formatted(name, name, name, nfsPort, adminPort, nbdPort, name);
  }

  private static String replicationToml(int bind, String peer, int peerPort) {
    return """
        [replication]
        bind = "127.0.0.1:%d"
        peers = { %s = "127.0.0.1:%d" }

        """
        .formatted(bind, peer, peerPort);
  }

  private static String clusterToml(Path dir, String self, Map<String, Integer> links) {
    Path marker = vipMarker(dir, self);
    StringBuilder s =
        new StringBuilder(
            """
            [cluster]
            heartbeat_interval_ms = 100
            suspect_timeout_ms = 1000
            lease_duration_ms = 2000
            clock_drift_ms = 100
            # demo: a marker file instead of `ip addr add/del` (no network change)
            vip_add_command = "touch %s"
            vip_announce_command = ""
            vip_del_command = "rm -f %s"

            [cluster.events]
            socket = "%s"

            """
                .formatted(marker, marker, eventsSocket(dir, self)));
    for (String n : NODES) {
      s.append(member("[[cluster.nodes]]", n, links.get(n)));
    }
    s.append(member("[cluster.witness]", WITNESS, links.get(WITNESS)));
    s.append(
        """
        [[cluster.virtual_servers]]
        name = "vs1"
        nodes = ["a", "b"]
        address = "10.213.0.10/24"   # never configured: the VIP commands above only touch a file
        interface = "lo"
        """);
    return s.toString();
  }

  private static String member(String header, String name, int port) {
    return "%s%nname = \"%s\"%nlinks = { client = \"127.0.0.1:%d\" }%n%n"
        .formatted(header, name, port);
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
