package io.doppel.server.node;

import io.doppel.block.nbd.NbdServer;
import io.doppel.block.volume.Volume;
import io.doppel.block.volume.VolumeCatalog;
import io.doppel.block.volume.VolumeDefinition;
import io.doppel.cluster.NodeId;
import io.doppel.fs.store.RocksExportStore;
import io.doppel.fs.store.StoreOptions;
import io.doppel.metrics.MetricRegistry;
import io.doppel.nfs.NfsExport;
import io.doppel.nfs.NfsService;
import io.doppel.rpc.RpcProgram;
import io.doppel.rpc.RpcServer;
import io.doppel.rpc.RpcServerConfig;
import io.doppel.rpc.portmap.PortmapRegistration;
import io.doppel.server.admin.AdminActions;
import io.doppel.server.admin.AdminServer;
import io.doppel.server.admin.ClusterStatus;
import io.doppel.server.admin.ProcessGauges;
import io.doppel.server.admin.StatusReport;
import io.doppel.server.admin.Version;
import io.doppel.server.config.ClusterConfig;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.config.ExportConfig;
import io.doppel.server.config.NfsConfig;
import io.doppel.server.config.VolumeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One doppel node: opens every export's store, serves NFS v3 + MOUNT v3 over ONC RPC, makes them
 * known to portmap, opens the block volumes and serves them over NBD (when configured), and serves
 * the admin endpoint. {@link #start()} opens in that order; {@link #close()} closes in reverse, so
 * RocksDB and the volume images are always closed cleanly (also from a shutdown hook).
 */
public final class DoppelNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DoppelNode.class);

  private final DoppelConfig config;
  private final MetricRegistry metrics;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final NodeLifecycle lifecycle;
  private final Resources resources = new Resources();
  private final List<OpenExport> exports = new CopyOnWriteArrayList<>();
  private volatile Instant startedAt;
  private volatile int nfsPort = -1;
  private volatile int adminPort = -1;
  private volatile int nbdPort = -1;
  private volatile VolumeCatalog volumes;
  private volatile MirrorWiring mirrors;
  private volatile ClusterWiring cluster;

  private record OpenExport(ExportConfig config, RocksExportStore store) {}

  /**
   * @param random seeds the handle key and the stores' choices; production passes SecureRandom
   */
  public DoppelNode(
      DoppelConfig config, MetricRegistry metrics, InstantSource clock, RandomGenerator random) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.random = random;
    this.lifecycle = new NodeLifecycle(config.node().name(), clock, metrics);
  }

  /** A node on the system clock and a SecureRandom. */
  public static DoppelNode create(DoppelConfig config, MetricRegistry metrics) {
    return new DoppelNode(config, metrics, InstantSource.system(), new SecureRandom());
  }

  /**
   * Opens everything and starts serving. On failure, whatever was opened is closed, the node is
   * FAILED and the exception is thrown.
   */
  public synchronized void start() throws IOException {
    lifecycle.moveTo(NodeState.STARTING, "start");
    startedAt = clock.instant();
    try {
      open();
    } catch (IOException | RuntimeException e) {
      resources.closeAll();
      lifecycle.moveTo(NodeState.FAILED, e.toString());
      throw e;
    }
    lifecycle.moveTo(NodeState.RUNNING, "started");
    LOG.info(
        "event=listening nfs_port={} admin_port={} nbd_port={} node={} exports={} volumes={}",
        nfsPort,
        adminPort,
        nbdPort,
        config.node().name(),
        exports.size(),
        config.volumes().size());
  }

  private void open() throws IOException {
    Files.createDirectories(config.node().dataDir());
    byte[] handleKey = HandleKeyStore.loadOrCreate(config.security().handleKeyFile(), random);
    ProcessGauges.register(metrics);
    List<NfsExport> nfsExports = new ArrayList<>();
    for (ExportConfig e : config.exports()) {
      Files.createDirectories(e.directory());
      RocksExportStore store =
          resources.add(
              "export " + e.path(),
              RocksExportStore.open(
                  e.directory(), e.id(), StoreOptions.defaults(), clock, random, metrics));
      exports.add(new OpenExport(e, store));
      nfsExports.add(NfsWiring.export(e, store));
      LOG.info("event=export_opened path={} id={} directory={}", e.path(), e.id(), e.directory());
    }
    NfsService service = new NfsService(nfsExports, handleKey, metrics, clock, random);
    List<RpcProgram> programs = service.programs();
    NfsConfig nfs = config.nfs();
    RpcServerConfig rpcConfig =
        new RpcServerConfig(nfs.bind(), nfs.port(), nfs.udp(), nfs.maxRecordBytes(), nfs.workers());
    RpcServer rpc = resources.add("rpc server", new RpcServer(rpcConfig, programs, metrics));
    rpc.start();
    nfsPort = rpc.port();
    resources.add(
        "portmap",
        PortmapRegistration.start(
            NfsWiring.portmap(nfs.portmap()), nfs.bind(), programs, nfsPort, metrics));
    openBlockFace();
    openCluster();
    if (config.admin().enabled()) {
      InetSocketAddress at = new InetSocketAddress(config.admin().bind(), config.admin().port());
      AdminActions actions = cluster == null ? AdminActions.NONE : cluster;
      AdminServer admin =
          resources.add("admin", AdminServer.start(at, metrics, this::status, actions));
      if (mirrors != null) {
        admin.volumeCommands(mirrors);
      }
      adminPort = admin.port();
    }
  }

  /**
   * Joins the cluster when {@code [cluster]} is configured: last, after the front ends serve, so a
   * node takes roles (and virtual addresses) only once it can answer on them.
   */
  private void openCluster() throws IOException {
    if (config.cluster().isEmpty()) {
      return;
    }
    ClusterConfig cc = config.cluster().get();
    if (cc.definition().isWitness(new NodeId(config.node().name()))) {
      throw new IOException(
          "node " + config.node().name() + " is the cluster's witness: run `doppel witness`");
    }
    cluster =
        resources.add("cluster", ClusterWiring.start(config.node().name(), cc, metrics, random));
  }

  /** Opens the volumes and starts the NBD server, when the config asks for the block face. */
  private void openBlockFace() throws IOException {
    if (!config.nbd().enabled()) {
      return;
    }
    List<VolumeDefinition> definitions = new ArrayList<>();
    MirrorWiring mirror = resources.add("mirrors", MirrorWiring.start(config, metrics));
    mirrors = mirror;
    for (VolumeConfig v : config.volumes()) {
      Files.createDirectories(v.path().toAbsolutePath().getParent());
      if (mirror.exported(v)) {
        definitions.add(BlockWiring.volume(v));
      }
    }
    Path volumeDir = config.node().dataDir().resolve("volumes");
    VolumeCatalog catalog =
        resources.add(
            "volumes", VolumeCatalog.open(volumeDir, definitions, metrics, mirror.decorator()));
    volumes = catalog;
    NbdServer nbd =
        resources.add(
            "nbd server",
            new NbdServer(BlockWiring.server(config.nbd()), mirror.lookup(catalog), metrics));
    nbd.start();
    nbdPort = nbd.port();
  }

  /** Closes everything in reverse order of opening; idempotent. */
  @Override
  public synchronized void close() {
    if (!lifecycle.tryMoveTo(NodeState.STOPPING, "close")) {
      if (lifecycle.state() == NodeState.NEW) {
        lifecycle.moveTo(NodeState.STOPPED, "closed before start");
      }
      return;
    }
    resources.closeAll();
    exports.clear();
    volumes = null;
    cluster = null;
    lifecycle.moveTo(NodeState.STOPPED, "closed");
  }

  /** Blocks until the node is stopped (or failed to start). */
  public void awaitStopped() throws InterruptedException {
    lifecycle.awaitEnd();
  }

  public NodeState state() {
    return lifecycle.state();
  }

  /** The bound NFS/MOUNT port, -1 before start. */
  public int nfsPort() {
    return nfsPort;
  }

  /** The bound NBD port, -1 before start or when the block face is not configured. */
  public int nbdPort() {
    return nbdPort;
  }

  /** The bound admin port, -1 before start or when disabled. */
  public int adminPort() {
    return adminPort;
  }

  public DoppelConfig config() {
    return config;
  }

  /** What /status shows; callable from any thread at any time. */
  public StatusReport status() {
    long uptime = startedAt == null ? 0 : Duration.between(startedAt, clock.instant()).toSeconds();
    List<StatusReport.ExportStatus> list =
        exports.stream()
            .map(
                e ->
                    new StatusReport.ExportStatus(
                        e.config().path(),
                        e.config().id(),
                        e.config().directory().toString(),
                        e.store().lastAppliedSequence()))
            .toList();
    return new StatusReport(
        config.node().name(),
        Version.current(),
        lifecycle.state().name(),
        uptime,
        nfsPort,
        adminPort,
        nbdPort,
        list,
        volumeStatus(),
        clusterStatus());
  }

  private ClusterStatus clusterStatus() {
    ClusterWiring c = cluster;
    return c == null ? null : c.status();
  }

  /** The cluster member, when {@code [cluster]} is configured and the node runs. */
  public java.util.Optional<ClusterWiring> cluster() {
    return java.util.Optional.ofNullable(cluster);
  }

  private List<StatusReport.VolumeStatus> volumeStatus() {
    VolumeCatalog catalog = volumes;
    List<StatusReport.VolumeStatus> out = new ArrayList<>();
    for (VolumeConfig v : config.volumes()) {
      long size =
          catalog == null
              ? v.sizeBytes()
              : catalog.find(v.name()).map(Volume::sizeBytes).orElse(v.sizeBytes());
      MirrorWiring m = mirrors;
      var mirror = m == null ? null : m.status(v.name()).orElse(null);
      out.add(
          new StatusReport.VolumeStatus(v.name(), size, v.readOnly(), v.path().toString(), mirror));
    }
    return out;
  }
}
