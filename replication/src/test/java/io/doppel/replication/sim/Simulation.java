package io.doppel.replication.sim;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.primary.Offer;
import io.doppel.replication.primary.PrimaryConfig;
import io.doppel.replication.primary.PrimaryStats;
import io.doppel.replication.primary.PrimaryStream;
import io.doppel.replication.primary.ReplicaState;
import io.doppel.replication.primary.ReplicationEvent;
import io.doppel.replication.track.BoundedRecordLog;
import io.doppel.replication.track.ChangeTracker;
import io.doppel.replication.track.CopySource;
import io.doppel.replication.track.CopyTask;
import io.doppel.replication.track.DirtyMap;
import io.doppel.replication.track.DirtyMapChangeTracker;
import io.doppel.replication.track.DirtyRegionCopySource;
import io.doppel.replication.track.LogChangeTracker;
import io.doppel.replication.track.ResyncPlanner;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A primary and two replicas of one resource on one thread, simulated clock, seeded randomness, a
 * faulty network, crashing replica disks. Invariants are checked after every event.
 */
final class Simulation {
  static final String RESOURCE = "vol0";
  static final long EPOCH = 2;
  static final int REGIONS = 32;
  static final long MS = 1_000_000L;
  static final long HOLD_MAX_NANOS = 20 * MS;

  enum Mode {
    LOG,
    DIRTY_MAP
  }

  final long seed;
  final Mode mode;
  private final SplittableRandom random;
  private final Scheduler scheduler = new Scheduler();
  private final SimNetwork net;
  private final Regions primary = new Regions(REGIONS);
  private final List<Long> digestAt = new ArrayList<>();
  private final List<SimReplicaNode> replicas = new ArrayList<>();
  final List<ReplicationEvent> events = new ArrayList<>();
  private final PrimaryStats stats = new PrimaryStats(new MetricRegistry(), RESOURCE);
  private final Path mapFile;
  private PrimaryConfig config;
  private long epoch = EPOCH;
  long primaryRestarts;
  private BoundedRecordLog log;
  private DirtyMap dirtyMap;
  private PrimaryStream stream;
  private long maxDurableAcked;
  private long heldSinceNanos = -1;
  private long writeGapNanos;
  private double durableFraction;
  private boolean writing = true;
  long writesAccepted;
  long writesRefused;
  String failure;

  Simulation(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.mode = random.nextBoolean() ? Mode.LOG : Mode.DIRTY_MAP;
    this.net = new SimNetwork(scheduler, random);
    digestAt.add(primary.digest());
    try {
      Path dir = Path.of("/dev/shm");
      mapFile =
          Files.createTempFile(Files.isWritable(dir) ? dir : Path.of("target"), "sim", ".dmap");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the scenario; returns null when every invariant held, else the first violation. */
  String run() {
    try {
      return runScenario();
    } finally {
      try {
        Files.deleteIfExists(mapFile);
      } catch (IOException e) {
        // a leftover temp file is harmless
      }
    }
  }

  private String runScenario() {
    setUp();
    long active = (1000 + random.nextLong(3000)) * MS;
    scheduleFaults(active);
    scheduler.runUntil(active, this::check);
    if (failure != null) {
      return failure;
    }
    writing = false;
    net.heal();
    for (SimReplicaNode r : replicas) {
      if (!r.up) {
        r.restart();
        net.setDown(r.name, false);
      }
    }
    long settle = active + 8000 * MS;
    scheduler.runUntil(settle, this::check);
    return failure != null ? failure : checkConverged();
  }

  private void setUp() {
    net.dropRate = random.nextDouble() * 0.05;
    net.duplicateRate = random.nextDouble() * 0.03;
    net.corruptRate = random.nextDouble() * 0.01;
    net.maxDelayNanos = (200 + random.nextLong(4800)) * 1000;
    writeGapNanos = (200 + random.nextLong(2800)) * 1000;
    durableFraction = random.nextDouble();
    PrimaryConfig config =
        new PrimaryConfig(
            (8 + random.nextLong(56)) * 1024,
            4096,
            300 * MS,
            30 * MS,
            50 * MS,
            (2 + random.nextLong(31)) * Regions.REGION_BYTES,
            HOLD_MAX_NANOS,
            4096L << random.nextInt(3),
            random.nextInt(4) == 0 ? 2_000_000 : 0);
    this.config = config;
    if (mode == Mode.LOG) {
      log = new BoundedRecordLog((2 + random.nextLong(254)) * 1024);
    }
    startPrimary(History.EMPTY);
    for (String name : List.of("r1", "r2")) {
      SimReplicaNode node =
          new SimReplicaNode(name, RESOURCE, EPOCH, REGIONS, m -> net.send(name, "primary", m));
      replicas.add(node);
      net.register(name, (from, m) -> deliverToReplica(node, m));
    }
    addReplicas();
    net.register("primary", (from, m) -> stream.onMessage(from, m, scheduler.now()));
    tick(MS);
    scheduler.after(writeGapNanos, this::write);
  }

  /**
   * Starts (or, after a crash, restarts) the primary in epoch {@link #epoch}: the record log and
   * the dirty map file survive; the dirty map reloads with every dirty region stamped after all
   * seqs so far, and in-flight commits of the old incarnation are simply never answered.
   */
  private void startPrimary(History history) {
    ResyncPlanner planner =
        new ResyncPlanner(config.maxCopyTaskBytes(), config.holdThresholdBytes());
    ChangeTracker tracker;
    CopySource copySource;
    if (mode == Mode.LOG) {
      tracker = new LogChangeTracker(log);
      copySource = fullCopy(planner);
    } else {
      try {
        long volume = (long) REGIONS * Regions.REGION_BYTES;
        dirtyMap =
            dirtyMap == null
                ? DirtyMap.create(mapFile, volume, Regions.REGION_BYTES)
                : DirtyMap.open(mapFile, history.lastSeq() + 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      tracker = new DirtyMapChangeTracker(dirtyMap);
      copySource = new DirtyRegionCopySource(dirtyMap, planner, this::readRegions);
    }
    stream =
        new PrimaryStream(
            RESOURCE, epoch, history, config, tracker, log, copySource, stats, events::add);
  }

  private void addReplicas() {
    for (SimReplicaNode node : replicas) {
      stream.addReplica(node.name, m -> net.send("primary", node.name, m), scheduler.now());
    }
  }

  private void restartPrimary() {
    epoch++;
    primaryRestarts++;
    startPrimary(stream.history());
    addReplicas();
  }

  private CopySource fullCopy(ResyncPlanner planner) {
    return new CopySource() {
      @Override
      public List<CopyTask> planFull() {
        return planner.planAll((long) REGIONS * Regions.REGION_BYTES);
      }

      @Override
      public List<CopyTask> planChangesAfter(long afterSeq, boolean includeUnknown) {
        return null;
      }

      @Override
      public Record read(CopyTask task, long epoch, long basisSeq) {
        return readRegions(task, epoch, basisSeq);
      }
    };
  }

  private Record readRegions(CopyTask task, long epoch, long basisSeq) {
    return Record.of(RESOURCE, epoch, basisSeq, Regions.KIND_COPY, primary.copyPayload(task));
  }

  private void deliverToReplica(SimReplicaNode node, ReplicationMessage m) {
    if (node.up) {
      node.agent.onMessage(m, scheduler.now());
    }
  }

  private void tick(long periodNanos) {
    scheduler.after(
        periodNanos,
        () -> {
          stream.doWork(scheduler.now());
          for (SimReplicaNode r : replicas) {
            if (r.up) {
              r.agent.doWork(scheduler.now());
            }
          }
          tick(periodNanos);
        });
  }

  /** The front end: check, apply locally (marking the dirty map first), offer, await. */
  private void write() {
    if (!writing) {
      return;
    }
    scheduler.after(1 + (long) (-Math.log(1 - random.nextDouble()) * writeGapNanos), this::write);
    if (!stream.canOffer()) {
      writesRefused++;
      return; // the client waits: back-pressure
    }
    long seq = stream.lastSeq() + 1;
    int region = random.nextInt(REGIONS);
    long value = random.nextLong();
    Record r =
        Record.of(
            RESOURCE,
            epoch,
            seq,
            Regions.KIND_WRITE,
            Regions.writePayload(region, value, random.nextInt(200)));
    if (dirtyMap != null) {
      try {
        dirtyMap.markDurably((long) region * Regions.REGION_BYTES, Regions.REGION_BYTES, seq);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    primary.apply(r);
    digestAt.add(primary.digest());
    if (log != null) {
      log.append(r);
    }
    AckStrength strength =
        random.nextDouble() < durableFraction ? AckStrength.DURABLE : AckStrength.RECEIVED;
    Offer offer = stream.offer(r, strength, scheduler.now());
    if (!(offer instanceof Offer.Accepted accepted)) {
      fail("offer refused after canOffer(): " + offer);
      return;
    }
    writesAccepted++;
    accepted
        .committed()
        .thenAccept(
            s -> {
              if (strength == AckStrength.DURABLE) {
                maxDurableAcked = Math.max(maxDurableAcked, s);
              }
            });
  }

  private void scheduleFaults(long active) {
    int faults = random.nextInt(8);
    for (int i = 0; i < faults; i++) {
      long at = random.nextLong(active);
      SimReplicaNode node = replicas.get(random.nextInt(replicas.size()));
      switch (random.nextInt(7)) {
        case 0, 1, 2 -> partition(node, at, (50 + random.nextLong(1500)) * MS);
        case 3, 4 -> crash(node, at, (10 + random.nextLong(800)) * MS);
        case 5 -> scheduler.at(at, this::restartPrimary);
        default -> scheduler.at(at, () -> staleEpochAppend(node));
      }
    }
  }

  private void partition(SimReplicaNode node, long at, long duration) {
    boolean toReplica = random.nextBoolean();
    boolean fromReplica = !toReplica || random.nextBoolean();
    scheduler.at(
        at,
        () -> {
          net.cut("primary", node.name, toReplica);
          net.cut(node.name, "primary", fromReplica);
        });
    scheduler.at(
        at + duration,
        () -> {
          net.cut("primary", node.name, false);
          net.cut(node.name, "primary", false);
        });
  }

  private void crash(SimReplicaNode node, long at, long downFor) {
    scheduler.at(
        at,
        () -> {
          if (node.up) {
            node.crash();
            net.setDown(node.name, true);
            scheduler.after(
                downFor,
                () -> {
                  if (!node.up) {
                    node.restart();
                    net.setDown(node.name, false);
                  }
                });
          }
        });
  }

  /** A deposed primary (older epoch) tries to write: the replica must refuse it. */
  private void staleEpochAppend(SimReplicaNode node) {
    if (!node.up) {
      return;
    }
    long before = node.stats.staleEpochRefusals();
    Record bogus =
        Record.of(
            RESOURCE,
            EPOCH - 1,
            node.agent.receivedSeq() + 1,
            Regions.KIND_WRITE,
            Regions.writePayload(0, 424242, 0));
    node.agent.onMessage(
        new ReplicationMessage.Append(RESOURCE, EPOCH - 1, true, List.of(bogus)), scheduler.now());
    if (node.stats.staleEpochRefusals() != before + 1) {
      fail(node.name + " did not refuse a stale epoch");
    }
  }

  /** Invariants after every event. */
  private void check() {
    if (failure != null) {
      return;
    }
    checkHoldBounded();
    for (SimReplicaNode r : replicas) {
      if (!r.violations.isEmpty()) {
        fail(r.violations.get(0));
        return;
      }
      if (stream.state(r.name) != ReplicaState.IN_SYNC) {
        continue;
      }
      long disk = r.diskHistory.lastSeq();
      if (disk < maxDurableAcked) {
        fail(
            r.name + " IN_SYNC but durable " + disk + " < acknowledged-durable " + maxDurableAcked);
      } else if (r.diskInconsistent || r.disk.digest() != digestAt.get((int) disk)) {
        fail(r.name + " IN_SYNC but its disk differs from the primary at seq " + disk);
      }
    }
  }

  /** New writes are held at most holdMax (plus one agent tick to notice). */
  private void checkHoldBounded() {
    if (!stream.held()) {
      heldSinceNanos = -1;
    } else if (heldSinceNanos < 0) {
      heldSinceNanos = scheduler.now();
    } else if (scheduler.now() - heldSinceNanos > HOLD_MAX_NANOS + MS) {
      fail("writes held for " + (scheduler.now() - heldSinceNanos) / 1000 + " us");
    }
  }

  private String checkConverged() {
    for (SimReplicaNode r : replicas) {
      if (stream.state(r.name) != ReplicaState.IN_SYNC) {
        return r.name + " ended " + stream.state(r.name) + " " + stream.status(scheduler.now());
      }
      if (r.memorySeq() != stream.lastSeq() || r.diskHistory.lastSeq() != stream.lastSeq()) {
        return r.name
            + " ended at seq "
            + r.memorySeq()
            + "/"
            + r.diskHistory.lastSeq()
            + " primary "
            + stream.lastSeq();
      }
      if (r.memory().digest() != primary.digest() || r.disk.digest() != primary.digest()) {
        return r.name + " content differs from the primary";
      }
      if (!r.agent.history().equals(stream.history())) {
        return r.name + " history " + r.agent.history() + " != " + stream.history();
      }
    }
    return null;
  }

  private void fail(String message) {
    if (failure == null) {
      failure = "t=" + scheduler.now() / MS + "ms " + message;
    }
  }

  String summary() {
    return "seed="
        + seed
        + " mode="
        + mode
        + " writes="
        + writesAccepted
        + " waited="
        + writesRefused
        + " events="
        + scheduler.events()
        + " outOfSync="
        + stats.outOfSyncCount()
        + " primaryRestarts="
        + primaryRestarts
        + " retransmits="
        + stats.retransmitCount();
  }

  /** How many transitions into {@code to} had a reason containing {@code reasonPart}. */
  long transitions(ReplicaState to, String reasonPart) {
    return events.stream()
        .filter(
            e ->
                e instanceof ReplicationEvent.StateChanged c
                    && c.to() == to
                    && c.reason().contains(reasonPart))
        .count();
  }

  long outOfSyncCount() {
    return stats.outOfSyncCount();
  }
}
