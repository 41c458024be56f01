package io.doppel.block.mirror;

import io.doppel.block.volume.FileVolume;
import io.doppel.block.volume.Volume;
import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.history.NodeEpochs;
import io.doppel.replication.history.TailClaim;
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

  /** Seqs reserved per fsync of the seq floor ({@link MirrorFiles#writeSeqFloor}). */
  private static final long SEQ_RESERVATION_STEP = 1 << 16;

  private final MirrorSettings settings;
  private final MetricRegistry metrics;
  private final LongSupplier clock;
  private final TransportConfig transport = TransportConfig.DEFAULT;
  private final EventLoopGroup group;
  private final OrderedExecutor primaryExecutor;
  private final OrderedExecutor replicaExecutor;
  private final java.util.concurrent.ExecutorService syncs;
  private final PrimaryHost primaryHost;
  private final ReplicaHost replicaHost;
  private final TransportStats primaryTransport;
  private final Map<String, PeerConnection> peers = new ConcurrentHashMap<>();
  private final Map<String, Primary> primaries = new ConcurrentHashMap<>();
  private final Map<String, Backup> backups = new ConcurrentHashMap<>();
  private final Map<String, PrimaryStats> primaryStats = new ConcurrentHashMap<>();
  private final Map<String, ReplicaStats> replicaStats = new ConcurrentHashMap<>();

  /** A volume this node serves: its image path and the nodes it mirrors to. */
  private record Primary(
      MirroredVolume volume, Path image, List<String> others, int rank, DegradedTracker degraded) {}

  /** A volume this node backs up: the open image and its applier. */
  private record Backup(
      FileVolume local, Path image, VolumeReplicaApplier applier, List<String> others, int rank) {}

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
    // Backups' background image syncs: threads on demand, retired when idle.
    this.syncs = java.util.concurrent.Executors.newCachedThreadPool(threads);
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
    return openPrimary(local, image, backupNodes, 0, 0);
  }

  /**
   * As {@link #openPrimary(Volume, Path, List)} for the node at position {@code rank} of the
   * volume's node list (its epochs' tie-breaker, {@link NodeEpochs}).
   */
  public MirroredVolume openPrimary(Volume local, Path image, List<String> backupNodes, int rank)
      throws IOException {
    return openPrimary(local, image, backupNodes, 0, rank);
  }

  private MirroredVolume openPrimary(
      Volume local, Path image, List<String> backupNodes, long seenEpoch, int rank)
      throws IOException {
    String name = local.name();
    MirrorFiles files = new MirrorFiles(image);
    History history = files.servedHistory(files.readHistory());
    long epoch =
        NodeEpochs.after(
            Math.max(seenEpoch, Math.max(files.readEpoch(), history.lastEpoch())), rank);
    // Durable before any write of the epoch: where it starts, and that no seq went past here yet.
    files.writeEpochStart(epoch, history.lastSeq() + 1);
    files.writeSeqFloor(history.lastSeq());
    DirtyMap map = openMap(files, local.sizeBytes(), history);
    LongAdder copied = new LongAdder();
    RegionImageReader reader = new RegionImageReader(name, local, copied);
    PrimaryConfig cfg = primaryConfig();
    DegradedTracker degraded = new DegradedTracker(name, files, backupNodes, MirrorHost::logEvent);
    DirtyMapChangeTracker tracker = new DirtyMapChangeTracker(map);
    tracker.trackLocalDurability();
    PrimaryStream stream =
        new PrimaryStream(
            name,
            epoch,
            history,
            cfg,
            tracker,
            null,
            new DirtyRegionCopySource(
                map, new ResyncPlanner(cfg.maxCopyTaskBytes(), cfg.holdThresholdBytes()), reader),
            primaryStats.computeIfAbsent(name, n -> new PrimaryStats(metrics, n)),
            degraded);
    reserveSeqs(stream, files, history.lastSeq());
    Map<String, PeerConnection> replicas = new LinkedHashMap<>();
    for (String node : backupNodes) {
      replicas.put(node, peer(node));
    }
    primaryHost.register(stream, replicas);
    long waitNanos = 4 * settings.ackTimeoutNanos() + TimeUnit.SECONDS.toNanos(30);
    MirroredVolume volume =
        new MirroredVolume(
            local,
            primaryHost,
            map,
            files,
            epoch,
            MAX_RECORD_BYTES,
            waitNanos,
            copied,
            tracker::localDurableThrough);
    primaries.put(name, new Primary(volume, image, List.copyOf(backupNodes), rank, degraded));
    LOG.info(
        "event=mirror_primary volume={} epoch={} last_seq={} backups={} dirty_bytes={}",
        name,
        epoch,
        history.lastSeq(),
        backupNodes,
        map.dirtyBytes());
    return volume;
  }

  /** The map left by a crash (its regions may differ anywhere) or a clean one. */
  private DirtyMap openMap(MirrorFiles files, long sizeBytes, History history) throws IOException {
    return Files.exists(files.dirtyMap())
        ? DirtyMap.open(files.dirtyMap(), history.lastSeq() + 1)
        : DirtyMap.create(files.dirtyMap(), sizeBytes, settings.regionBytes());
  }

  /** Seqs leave this node only below a durable reservation ({@link MirrorFiles#writeSeqFloor}). */
  private static void reserveSeqs(PrimaryStream stream, MirrorFiles files, long reservedThrough) {
    stream.reserveSeqsWith(
        seq -> {
          try {
            files.writeSeqFloor(seq + SEQ_RESERVATION_STEP);
            return seq + SEQ_RESERVATION_STEP;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        reservedThrough);
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
    openBackup(name, image, sizeBytes, List.of(), 0, 0);
  }

  /**
   * As {@link #openBackup(String, Path, long)}, remembering the volume's other nodes (the backups
   * to mirror to if this node is promoted) and the highest epoch already promised.
   */
  public void openBackup(
      String name, Path image, long sizeBytes, List<String> otherNodes, long knownEpoch)
      throws IOException {
    openBackup(name, image, sizeBytes, otherNodes, knownEpoch, 0);
  }

  /** As above, for the node at position {@code rank} of the volume's node list. */
  public void openBackup(
      String name, Path image, long sizeBytes, List<String> otherNodes, long knownEpoch, int rank)
      throws IOException {
    Files.createDirectories(image.toAbsolutePath().getParent());
    FileVolume local = FileVolume.createOrOpen(name, image, sizeBytes, false);
    try {
      MirrorFiles files = new MirrorFiles(image);
      History history = files.readHistory();
      files.clearSeqFloor(); // a backup's seqs come from its primary
      VolumeReplicaApplier images = new VolumeReplicaApplier(local, files, history, syncs);
      Optional<TailClaim> tail = tailClaim(files, history, sizeBytes);
      registerReplica(name, history, files.inconsistent(), knownEpoch, images, tail, false);
      backups.put(name, new Backup(local, image, images, List.copyOf(otherNodes), rank));
      LOG.info(
          "event=mirror_backup volume={} last_seq={} inconsistent={} tail_epoch={} tail_ranges={}"
              + " tail_degraded={}",
          name,
          history.lastSeq(),
          files.inconsistent(),
          tail.map(TailClaim::epoch).orElse(0L),
          tail.map(t -> t.ranges().size()).orElse(0),
          tail.map(TailClaim::degradedReplicas).orElse(List.of()));
    } catch (IOException | RuntimeException e) {
      local.close();
      throw e;
    }
  }

  /**
   * A write-intent map beside a backup's image is left from when this node was the primary: its
   * regions may hold a tail no replica received. Told to the next primary until it is resolved
   * ({@link VolumeReplicaApplier#tailResolved}).
   */
  private static Optional<TailClaim> tailClaim(MirrorFiles files, History history, long sizeBytes)
      throws IOException {
    long served = files.readEpoch();
    if (!Files.exists(files.dirtyMap()) || served < 1) {
      return Optional.empty();
    }
    long[] regions;
    int regionBytes;
    DirtyMap map = DirtyMap.open(files.dirtyMap(), history.lastSeq() + 1);
    try {
      regions = map.dirtyRegions();
      regionBytes = map.regionBytes();
    } finally {
      map.close();
    }
    return Optional.of(
        new TailClaim(
            served, files.readDegraded(), TailClaim.ranges(regions, regionBytes, sizeBytes)));
  }

  private void registerReplica(
      String name,
      History history,
      boolean inconsistent,
      long knownEpoch,
      RecordApplier images,
      Optional<TailClaim> tail,
      boolean primaryHere) {
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
    tail.ifPresent(applier::claimTail);
    if (primaryHere) {
      applier.refuseAsPrimaryHere();
    }
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
    // A map still here is an unresolved tail of this node's own earlier primaryship (a resolved
    // one is deleted): reloaded, its regions are copied to every replica as "unknown".
    FileVolume local = FileVolume.createOrOpen(name, b.image(), size, false);
    MirroredVolume v;
    try {
      // An epoch past everything this image has seen, and at least the one asked for.
      v =
          openPrimary(
              local, b.image(), b.others(), Math.max(minEpoch - 1, t.knownEpoch()), b.rank());
    } catch (IOException | RuntimeException e) {
      local.close();
      // Neither backup nor primary here now: the retired applier's agent must not keep ticking.
      replicaHost.unregister(name);
      throw e;
    }
    // Keep answering the old primary: its messages of older epochs are refused as stale (it is
    // fenced), and one restarted in a newer epoch is refused as DIVERGED (it reports the split
    // brain) instead of copying over this image. Registering replaces the retired applier's agent
    // (its ticks stop) with this fence.
    registerReplica(name, t.history(), false, v.role().epoch(), FENCE, Optional.empty(), true);
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
    // A primary fenced by a newer epoch must come back above it, or it could never serve again.
    long fencedBy = awaitAgent(primaryHost.call(name, PrimaryStream::fencedByEpoch));
    long seen = Math.max(epoch, fencedBy);
    p.volume().demote();
    try {
      p.volume().close();
    } finally {
      primaryHost.unregister(name);
      p.degraded().retire();
    }
    // The map stays: as a backup this node claims its regions as a possible unreplicated tail.
    try {
      // Replaces the fence agent this node ran while primary (if it was promoted here).
      openBackup(name, p.image(), size, p.others(), seen, p.rank());
    } catch (IOException | RuntimeException e) {
      replicaHost.unregister(name); // held in no role now: stop the fence agent
      throw e;
    }
    LOG.info("event=mirror_demoted volume={} epoch={} fenced_by={}", name, epoch, fencedBy);
    return new RoleAssignment(VolumeRole.BACKUP, seen);
  }

  /**
   * Operator, after a split brain (REPLICATION.md "Who is newer"): this node's copy of {@code
   * volume} survives and {@code replica}'s diverged changes are discarded by a full copy from here.
   * Refused (IllegalStateException) unless this node is the volume's primary and that replica is
   * DIVERGED: any other state resyncs by itself, and a copy must never overwrite a replica that
   * could still hold the only copy of acknowledged writes without the operator asking for it.
   */
  public void discardReplicaChanges(String volume, String replica) throws IOException {
    Primary p = primaries.get(volume);
    if (p == null) {
      throw new IllegalStateException("this node is not the primary of " + volume);
    }
    if (!p.others().contains(replica)) {
      throw new IllegalArgumentException(replica + " is not a replica of " + volume);
    }
    awaitAgent(
        primaryHost.call(
            volume,
            s -> {
              s.discardReplicaChanges(replica, clock.getAsLong());
              return true;
            }));
    LOG.warn(
        "event=split_brain_resolved volume={} survivor={} discarded={}",
        volume,
        settings.node(),
        replica);
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
      if (c instanceof RuntimeException r) {
        throw r; // a refusal with its own message (e.g. "replica a is UNKNOWN, not DIVERGED")
      }
      throw new IOException("the volume's agent did not answer: " + (c == null ? e : c), e);
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
      p.degraded().retire(); // no write is acknowledged any more: closing links changes nothing
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
    syncs.shutdown();
    try {
      // a sync still forcing an image must finish before the image closes
      syncs.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

  // ---- online verify (ISSUE3 "Operations": verify) ---------------------------------------------

  private final Map<String, io.doppel.block.mirror.verify.VerifyJob> verifyJobs =
      new ConcurrentHashMap<>();

  /**
   * Starts an online verify of {@code volume} (primary on this node) on a thread from {@code
   * threads}; its progress and result are at {@link #verifyReport}. Refuses while one runs.
   */
  public synchronized io.doppel.block.mirror.verify.VerifyJob startVerify(
      String volume, io.doppel.block.mirror.verify.VerifyOptions options, ThreadFactory threads) {
    MirroredVolume v =
        primary(volume)
            .orElseThrow(
                () -> new IllegalArgumentException("volume " + volume + " is not primary here"));
    var running = verifyJobs.get(volume);
    if (running != null && !running.state().finished()) {
      throw new IllegalStateException("a verify of " + volume + " is already running");
    }
    var job =
        new io.doppel.block.mirror.verify.VerifyJob(
            v.verifyPort(clock),
            options,
            clock,
            TimeUnit.NANOSECONDS::sleep,
            4 * settings.ackTimeoutNanos() + TimeUnit.SECONDS.toNanos(30));
    verifyJobs.put(volume, job);
    threads.newThread(job).start();
    return job;
  }

  /** The latest verify of {@code volume} on this node (running or finished), if any. */
  public Optional<io.doppel.block.mirror.verify.VerifyReport> verifyReport(String volume) {
    return Optional.ofNullable(verifyJobs.get(volume)).map(j -> j.report());
  }
}
