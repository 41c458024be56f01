package io.doppel.block.mirror;

import io.doppel.block.volume.FileVolume;
import io.doppel.block.volume.Volume;
import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.primary.PrimaryConfig;
import io.doppel.replication.primary.PrimaryStats;
import io.doppel.replication.primary.PrimaryStream;
import io.doppel.replication.primary.ReplicationEvent;
import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.replica.ReplicaConfig;
import io.doppel.replication.replica.ReplicaStats;
import io.doppel.replication.track.DirtyMap;
import io.doppel.replication.track.DirtyMapChangeTracker;
import io.doppel.replication.track.DirtyRegionCopySource;
import io.doppel.replication.track.ResyncPlanner;
import io.doppel.replication.transport.NettyTransports;
import io.doppel.replication.transport.OrderedExecutor;
import io.doppel.replication.transport.PeerConnection;
import io.doppel.replication.transport.PrimaryHost;
import io.doppel.replication.transport.ReplicaHost;
import io.doppel.replication.transport.ReplicaServer;
import io.doppel.replication.transport.TransportConfig;
import io.doppel.replication.transport.TransportStats;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's mirroring runtime: the replica server and its appliers (volumes this node backs up),
 * the primary host and its peer connections (volumes this node serves). Opens a volume as primary
 * ({@link #openPrimary}) or as backup ({@link #openBackup}); roles are static until the cluster
 * layer drives {@link #changeRole}.
 */
public final class MirrorHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorHost.class);
  private static final int MAX_RECORD_BYTES = 1 << 20;

  private final MirrorSettings settings;
  private final MetricRegistry metrics;
  private final LongSupplier clock;
  private final TransportConfig transport = TransportConfig.DEFAULT;
  private final EventLoopGroup group;
  private final OrderedExecutor primaryExecutor;
  private final OrderedExecutor replicaExecutor;
  private final PrimaryHost primaryHost;
  private final ReplicaHost replicaHost;
  private final TransportStats primaryTransport;
  private final Map<String, PeerConnection> peers = new ConcurrentHashMap<>();
  private final Map<String, MirroredVolume> primaries = new ConcurrentHashMap<>();
  private final Map<String, Volume> backups = new ConcurrentHashMap<>();
  private ReplicaServer server;

  /**
   * @param clock monotonic nanoseconds (the server passes System::nanoTime)
   * @param threads makes the replication agents' threads
   */
  public MirrorHost(
      MirrorSettings settings, MetricRegistry metrics, LongSupplier clock, ThreadFactory threads) {
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.group = NettyTransports.newGroup(2);
    this.primaryExecutor = new OrderedExecutor(2, threads);
    this.replicaExecutor = new OrderedExecutor(2, threads);
    this.primaryHost = new PrimaryHost(primaryExecutor, clock, transport);
    this.replicaHost = new ReplicaHost(replicaExecutor, clock, transport);
    this.primaryTransport = new TransportStats(metrics, "primary");
  }

  /** Binds the replica server (when {@code bind} is set); call after opening the backups. */
  public void start() throws IOException {
    if (settings.bind() == null) {
      return;
    }
    server =
        new ReplicaServer(group, transport, new TransportStats(metrics, "replica"), replicaHost);
    try {
      server.bind(settings.bind());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted binding " + settings.bind(), e);
    }
  }

  /**
   * Wraps {@code local} as the primary of a volume mirrored to {@code backupNodes}. Takes a new
   * epoch (persisted before any write of it) and reloads the dirty map after a restart.
   */
  public MirroredVolume openPrimary(Volume local, Path image, List<String> backupNodes)
      throws IOException {
    String name = local.name();
    MirrorFiles files = new MirrorFiles(image);
    History history = files.readHistory();
    long epoch = Math.max(files.readEpoch(), history.lastEpoch()) + 1;
    files.writeEpoch(epoch);
    DirtyMap map =
        Files.exists(files.dirtyMap())
            ? DirtyMap.open(files.dirtyMap(), history.lastSeq() + 1)
            : DirtyMap.create(files.dirtyMap(), local.sizeBytes(), settings.regionBytes());
    LongAdder copied = new LongAdder();
    RegionImageReader reader = new RegionImageReader(name, local, copied);
    PrimaryConfig cfg = primaryConfig();
    PrimaryStream stream =
        new PrimaryStream(
            name,
            epoch,
            history,
            cfg,
            new DirtyMapChangeTracker(map),
            null,
            new DirtyRegionCopySource(
                map, new ResyncPlanner(cfg.maxCopyTaskBytes(), cfg.holdThresholdBytes()), reader),
            new PrimaryStats(metrics, name),
            MirrorHost::logEvent);
    Map<String, PeerConnection> replicas = new LinkedHashMap<>();
    for (String node : backupNodes) {
      replicas.put(node, peer(node));
    }
    primaryHost.register(stream, replicas);
    long waitNanos = 4 * settings.ackTimeoutNanos() + TimeUnit.SECONDS.toNanos(30);
    MirroredVolume volume =
        new MirroredVolume(
            local, primaryHost, map, files, epoch, MAX_RECORD_BYTES, waitNanos, copied);
    primaries.put(name, volume);
    LOG.info(
        "event=mirror_primary volume={} epoch={} last_seq={} backups={} dirty_bytes={}",
        name,
        epoch,
        history.lastSeq(),
        backupNodes,
        map.dirtyBytes());
    return volume;
  }

  private PrimaryConfig primaryConfig() {
    PrimaryConfig d = PrimaryConfig.DEFAULT;
    long ack = settings.ackTimeoutNanos();
    return new PrimaryConfig(
        d.windowBytes(),
        d.maxBatchBytes(),
        ack,
        Math.min(d.retransmitNanos(), ack / 4),
        d.probeIntervalNanos(),
        d.holdThresholdBytes(),
        d.holdMaxNanos(),
        d.maxCopyTaskBytes(),
        d.copyRateBytesPerSecond());
  }

  private synchronized PeerConnection peer(String node) throws IOException {
    PeerConnection existing = peers.get(node);
    if (existing != null) {
      return existing;
    }
    var address = settings.peers().get(node);
    if (address == null) {
      throw new IOException("no [replication] peers address for node " + node);
    }
    PeerConnection p = new PeerConnection(node, address, group, transport, primaryTransport);
    peers.put(node, p);
    p.start();
    return p;
  }

  /**
   * Opens this node's image of a volume it backs up: applied by a {@link ReplicaApplier}, never
   * exported over NBD while this node is a backup.
   */
  public void openBackup(String name, Path image, long sizeBytes) throws IOException {
    Files.createDirectories(image.toAbsolutePath().getParent());
    FileVolume local = FileVolume.createOrOpen(name, image, sizeBytes, false);
    try {
      MirrorFiles files = new MirrorFiles(image);
      History history = files.readHistory();
      ReplicaApplier applier =
          new ReplicaApplier(
              name,
              history,
              files.inconsistent(),
              0,
              new VolumeReplicaApplier(local, files, history),
              replicaHost.replySink(name),
              ReplicaConfig.DEFAULT,
              new ReplicaStats(metrics, name));
      replicaHost.register(name, applier);
      backups.put(name, local);
      LOG.info(
          "event=mirror_backup volume={} last_seq={} inconsistent={}",
          name,
          history.lastSeq(),
          files.inconsistent());
    } catch (IOException | RuntimeException e) {
      local.close();
      throw e;
    }
  }

  /**
   * The one place a role changes (the cluster layer's seam). Static roles only for now: asking for
   * the role a volume already has is accepted, anything else is refused.
   */
  public RoleAssignment changeRole(String volume, RoleAssignment next) {
    RoleAssignment current = role(volume).orElseThrow();
    if (current.role() != next.role()) {
      throw new UnsupportedOperationException(
          "runtime role changes arrive with the cluster layer; volume "
              + volume
              + " is "
              + current);
    }
    return current;
  }

  /** The role of a mirrored volume this node holds, if any. */
  public Optional<RoleAssignment> role(String volume) {
    MirroredVolume p = primaries.get(volume);
    if (p != null) {
      return Optional.of(p.role());
    }
    return status(volume).map(s -> new RoleAssignment(s.role(), s.epoch()));
  }

  /** Status of a mirrored volume on this node (bounded wait on its agent thread). */
  public Optional<MirrorStatus> status(String volume) {
    CompletableFuture<MirrorStatus> f;
    MirroredVolume p = primaries.get(volume);
    if (p != null) {
      f = p.status(clock.getAsLong());
    } else if (backups.containsKey(volume)) {
      f =
          replicaHost.call(
              volume,
              a ->
                  new MirrorStatus(
                      volume,
                      VolumeRole.BACKUP,
                      a.knownEpoch(),
                      a.receivedSeq(),
                      0,
                      0,
                      a.inconsistent(),
                      List.of()));
    } else {
      return Optional.empty();
    }
    try {
      return Optional.of(f.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      LOG.warn("event=mirror_status_failed volume={} cause={}", volume, e.toString());
      return Optional.empty();
    }
  }

  private static void logEvent(ReplicationEvent e) {
    switch (e) {
      case ReplicationEvent.StateChanged s ->
          LOG.info(
              "event=replica_state volume={} replica={} from={} to={} reason={} epoch={}",
              s.resource(),
              s.replica(),
              s.from(),
              s.to(),
              s.reason(),
              s.epoch());
      default -> LOG.warn("event=replication volume={} detail={}", e.resource(), e);
    }
  }

  @Override
  public void close() throws IOException {
    List<IOException> failures = new ArrayList<>();
    peers.values().forEach(PeerConnection::close);
    primaryHost.close();
    replicaHost.close();
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    primaryExecutor.close();
    replicaExecutor.close();
    for (Volume v : backups.values()) {
      try {
        v.close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
