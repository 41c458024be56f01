package io.doppel.block.mirror;

import io.doppel.block.volume.FileVolume;
import io.doppel.block.volume.Volume;
import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.primary.PrimaryConfig;
import io.doppel.replication.primary.PrimaryStats;
import io.doppel.replication.primary.PrimaryStream;
import io.doppel.replication.primary.ReplicationEvent;
import io.doppel.replication.replica.RecordApplier;
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
import io.doppel.replication.wire.Record;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private final Map<String, Primary> primaries = new ConcurrentHashMap<>();
  private final Map<String, Backup> backups = new ConcurrentHashMap<>();
  private final Map<String, PrimaryStats> primaryStats = new ConcurrentHashMap<>();
  private final Map<String, ReplicaStats> replicaStats = new ConcurrentHashMap<>();

  /** A volume this node serves: its image path and the nodes it mirrors to. */
  private record Primary(MirroredVolume volume, Path image, List<String> others) {}

  /** A volume this node backs up: the open image and its applier. */
  private record Backup(
      FileVolume local, Path image, VolumeReplicaApplier applier, List<String> others) {}

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
    return openPrimary(local, image, backupNodes, 0);
  }

  private MirroredVolume openPrimary(
      Volume local, Path image, List<String> backupNodes, long minEpoch) throws IOException {
    String name = local.name();
    MirrorFiles files = new MirrorFiles(image);
    History history = files.readHistory();
    long epoch = Math.max(minEpoch, Math.max(files.readEpoch(), history.lastEpoch()) + 1);
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
            primaryStats.computeIfAbsent(name, n -> new PrimaryStats(metrics, n)),
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
    primaries.put(name, new Primary(volume, image, List.copyOf(backupNodes)));
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
    openBackup(name, image, sizeBytes, List.of(), 0);
  }

  /**
   * As {@link #openBackup(String, Path, long)}, remembering the volume's other nodes (the backups
   * to mirror to if this node is promoted) and the highest epoch already promised.
   */
  public void openBackup(
      String name, Path image, long sizeBytes, List<String> otherNodes, long knownEpoch)
      throws IOException {
    Files.createDirectories(image.toAbsolutePath().getParent());
    FileVolume local = FileVolume.createOrOpen(name, image, sizeBytes, false);
    try {
      MirrorFiles files = new MirrorFiles(image);
      History history = files.readHistory();
      VolumeReplicaApplier images = new VolumeReplicaApplier(local, files, history);
      registerReplica(name, history, files.inconsistent(), knownEpoch, images);
      backups.put(name, new Backup(local, image, images, List.copyOf(otherNodes)));
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

  private void registerReplica(
      String name, History history, boolean inconsistent, long knownEpoch, RecordApplier images) {
    ReplicaApplier applier =
        new ReplicaApplier(
            name,
            history,
            inconsistent,
            knownEpoch,
            images,
            replicaHost.replySink(name),
            ReplicaConfig.DEFAULT,
            replicaStats.computeIfAbsent(name, n -> new ReplicaStats(metrics, n)));
    replicaHost.register(name, applier);
  }

  /**
   * The one place a role changes (the operator's commands today, the cluster layer's leases later).
   * Asking for the role a volume already has is a no-op. Promotion takes an epoch greater than any
   * this node has seen (and at least {@code next.epoch()}); demotion hands the image to a replica
   * applier that accepts only epochs newer than the one it served in.
   */
  public synchronized RoleAssignment changeRole(String volume, RoleAssignment next)
      throws IOException {
    RoleAssignment current =
        role(volume)
            .orElseThrow(() -> new IllegalArgumentException("no mirrored volume " + volume));
    if (current.role() == next.role()) {
      return current;
    }
    return next.role() == VolumeRole.PRIMARY
        ? promote(volume, next.epoch())
        : demote(volume, Math.max(current.epoch(), next.epoch()));
  }

  private RoleAssignment promote(String name, long minEpoch) throws IOException {
    Backup b = backups.get(name);
    record Taken(History history, long knownEpoch, boolean inconsistent) {}
    Taken t =
        awaitAgent(
            replicaHost.call(
                name,
                a -> {
                  try {
                    return new Taken(b.applier().retire(), a.knownEpoch(), a.inconsistent());
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }));
    if (t.inconsistent()) {
      throw new IOException("volume " + name + ": a resync copy into this image is incomplete");
    }
    backups.remove(name);
    long size = b.local().sizeBytes();
    b.local().close();
    // The dirty map of an earlier primaryship does not describe this history; start clean.
    Files.deleteIfExists(new MirrorFiles(b.image()).dirtyMap());
    FileVolume local = FileVolume.createOrOpen(name, b.image(), size, false);
    MirroredVolume v;
    try {
      v = openPrimary(local, b.image(), b.others(), Math.max(minEpoch, t.knownEpoch() + 1));
    } catch (IOException | RuntimeException e) {
      local.close();
      // Neither backup nor primary here now: the retired applier's agent must not keep ticking.
      replicaHost.unregister(name);
      throw e;
    }
    // Keep answering the old primary, now in our epoch: its stale messages are refused (counted),
    // and a restarted one sees our history and finds the fork (split brain) instead of resyncing.
    // Registering replaces the retired applier's agent (its ticks stop) with this fence.
    registerReplica(name, t.history(), false, v.role().epoch(), FENCE);
    LOG.info(
        "event=mirror_promoted volume={} epoch={} last_seq={}",
        name,
        v.role().epoch(),
        t.history().lastSeq());
    return v.role();
  }

  private RoleAssignment demote(String name, long epoch) throws IOException {
    Primary p = primaries.remove(name);
    long size = p.volume().sizeBytes();
    p.volume().demote();
    try {
      p.volume().close();
    } finally {
      primaryHost.unregister(name);
    }
    Files.deleteIfExists(new MirrorFiles(p.image()).dirtyMap());
    try {
      // Replaces the fence agent this node ran while primary (if it was promoted here).
      openBackup(name, p.image(), size, p.others(), epoch);
    } catch (IOException | RuntimeException e) {
      replicaHost.unregister(name); // held in no role now: stop the fence agent
      throw e;
    }
    LOG.info("event=mirror_demoted volume={} epoch={}", name, epoch);
    return new RoleAssignment(VolumeRole.BACKUP, epoch);
  }

  /** The volume as this node serves it, while it is primary here. */
  public Optional<MirroredVolume> primary(String volume) {
    return Optional.ofNullable(primaries.get(volume)).map(Primary::volume);
  }

  /** Refuses everything: this node is primary, a deposed primary must not write here. */
  private static final RecordApplier FENCE =
      new RecordApplier() {
        @Override
        public void apply(Record record, boolean durable) throws IOException {
          throw new IOException("primary here, refusing records of " + record.resource());
        }

        @Override
        public void sync() {}

        @Override
        public void beginCopy() throws IOException {
          throw new IOException("primary here, refusing a copy");
        }

        @Override
        public void applyCopy(Record chunk) throws IOException {
          throw new IOException("primary here, refusing a copy");
        }

        @Override
        public void endCopy(History history) throws IOException {
          throw new IOException("primary here, refusing a copy");
        }
      };

  /** The role of a mirrored volume this node holds, if any. */
  public Optional<RoleAssignment> role(String volume) {
    Primary p = primaries.get(volume);
    if (p != null) {
      return Optional.of(p.volume().role());
    }
    return backups.containsKey(volume)
        ? status(volume).map(s -> new RoleAssignment(s.role(), s.epoch()))
        : Optional.empty();
  }

  private static <T> T awaitAgent(CompletableFuture<T> f) throws IOException {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted changing a role");
    } catch (ExecutionException | TimeoutException e) {
      Throwable c = e.getCause();
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("role change failed: " + (c == null ? e : c), e);
    }
  }

  /** Status of a mirrored volume on this node (bounded wait on its agent thread). */
  public Optional<MirrorStatus> status(String volume) {
    CompletableFuture<MirrorStatus> f;
    Primary p = primaries.get(volume);
    if (p != null) {
      f = p.volume().status(clock.getAsLong());
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
    for (Primary p : primaries.values()) {
      try {
        p.volume().close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    peers.values().forEach(PeerConnection::close);
    primaryHost.close();
    replicaHost.close();
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    primaryExecutor.close();
    replicaExecutor.close();
    for (Backup b : backups.values()) {
      try {
        b.local().close();
      } catch (IOException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
