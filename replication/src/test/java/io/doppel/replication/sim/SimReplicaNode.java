package io.doppel.replication.sim;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.replica.RecordApplier;
import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.replica.ReplicaConfig;
import io.doppel.replication.replica.ReplicaStats;
import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.Record;
import java.util.ArrayList;
import java.util.List;

/**
 * A replica with a "disk" that keeps only what was synced: a crash drops everything applied since
 * the last sync (and the memory of a copy in progress, but not its inconsistent mark).
 */
final class SimReplicaNode implements RecordApplier {
  final String name;
  private final String resource;
  private final long epoch;
  private final MessageSink toPrimary;
  private final ReplicaConfig config;
  final ReplicaStats stats;
  final List<String> violations = new ArrayList<>();
  private Regions memory;
  private History memoryHistory;
  private long appliedSeq;
  Regions disk;
  History diskHistory = History.EMPTY;
  boolean diskInconsistent;
  ReplicaApplier agent;
  boolean up = true;

  SimReplicaNode(String name, String resource, long epoch, int regions, MessageSink toPrimary) {
    this.name = name;
    this.resource = resource;
    this.epoch = epoch;
    this.toPrimary = toPrimary;
    this.config = new ReplicaConfig(3_000_000L, 16 * 1024, 1_000_000L);
    this.stats = new ReplicaStats(new MetricRegistry(), resource);
    this.disk = new Regions(regions);
    restart();
  }

  /** Comes back from a crash with only what was on disk. */
  void restart() {
    memory = disk.copy();
    memoryHistory = diskHistory;
    appliedSeq = diskHistory.lastSeq();
    agent =
        new ReplicaApplier(
            resource, diskHistory, diskInconsistent, epoch, this, toPrimary, config, stats);
    up = true;
  }

  void crash() {
    up = false;
  }

  @Override
  public void apply(Record record, boolean durable) {
    if (record.seq() != appliedSeq + 1) {
      violations.add(name + " applied seq " + record.seq() + " after " + appliedSeq);
    }
    appliedSeq = record.seq();
    memory.apply(record);
    memoryHistory = memoryHistory.append(record.epoch(), record.seq());
    if (durable) {
      sync();
    }
  }

  @Override
  public void sync() {
    disk = memory.copy();
    diskHistory = memoryHistory;
  }

  @Override
  public void beginCopy() {
    diskInconsistent = true;
  }

  @Override
  public void applyCopy(Record chunk) {
    memory.apply(chunk);
  }

  @Override
  public void endCopy(History history) {
    memoryHistory = history;
    appliedSeq = history.lastSeq();
    sync();
    diskInconsistent = false;
  }

  Regions memory() {
    return memory;
  }

  long memorySeq() {
    return memoryHistory.lastSeq();
  }
}
