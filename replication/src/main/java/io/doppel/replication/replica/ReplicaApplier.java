package io.doppel.replication.replica;

import io.doppel.replication.history.History;
import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.RefuseReason;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.ReplicationMessage.Ack;
import io.doppel.replication.wire.ReplicationMessage.Append;
import io.doppel.replication.wire.ReplicationMessage.CopyAck;
import io.doppel.replication.wire.ReplicationMessage.CopyChunk;
import io.doppel.replication.wire.ReplicationMessage.Hello;
import io.doppel.replication.wire.ReplicationMessage.Probe;
import io.doppel.replication.wire.ReplicationMessage.Refuse;
import io.doppel.replication.wire.ReplicationMessage.SyncDone;
import io.doppel.replication.wire.ReplicationMessage.SyncStart;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's agent for one resource (REPLICATION.md "The stream"): applies records strictly in
 * seq order through the front end's {@link RecordApplier}, refuses stale epochs, answers a gap with
 * a catch-up request instead of applying out of order, acks cumulatively — <em>received</em> at
 * once, <em>durable</em> after a batch sync (asked for by the primary, or after {@link
 * ReplicaConfig#syncBytes()} or {@link ReplicaConfig#syncIntervalNanos()}). During a copy it
 * ignores appends, so no older record can overwrite copied data. One thread only.
 */
public final class ReplicaApplier {
  private static final Logger log = LoggerFactory.getLogger(ReplicaApplier.class);

  private final String resource;
  private final RecordApplier applier;
  private final MessageSink toPrimary;
  private final ReplicaConfig config;
  private final ReplicaStats stats;
  private History history;
  private long durableSeq;
  private long knownEpoch;
  private boolean inconsistent;
  private boolean failed;
  private long unsyncedBytes;
  private long firstUnsyncedNanos;
  private long lastGapSeq = -1;
  private long lastGapNanos;
  private long copySyncId = -1;
  private long copyEpoch = -1;
  private long copyNextIndex;
  private boolean copyDone = true;

  /**
   * @param persisted the history persisted with the data (its lastSeq is durable)
   * @param inconsistent whether a copy was interrupted (persisted by {@link
   *     RecordApplier#beginCopy})
   * @param knownEpoch the highest epoch this node has promised to (from the cluster layer)
   */
  public ReplicaApplier(
      String resource,
      History persisted,
      boolean inconsistent,
      long knownEpoch,
      RecordApplier applier,
      MessageSink toPrimary,
      ReplicaConfig config,
      ReplicaStats stats) {
    this.resource = resource;
    this.history = persisted;
    this.durableSeq = persisted.lastSeq();
    this.inconsistent = inconsistent;
    this.knownEpoch = Math.max(knownEpoch, persisted.lastEpoch());
    this.applier = applier;
    this.toPrimary = toPrimary;
    this.config = config;
    this.stats = stats;
  }

  /** Handles one message from the primary. */
  public void onMessage(ReplicationMessage m, long nowNanos) {
    if (failed) {
      refuse(RefuseReason.FAILED, receivedSeq() + 1);
      return;
    }
    if (m.epoch() < knownEpoch) {
      stats.staleEpoch.increment();
      refuse(RefuseReason.STALE_EPOCH, receivedSeq() + 1);
      return;
    }
    knownEpoch = m.epoch();
    try {
      switch (m) {
        case Probe p -> toPrimary.send(hello());
        case Append a -> onAppend(a, nowNanos);
        case SyncStart s -> onSyncStart(s);
        case CopyChunk c -> onCopyChunk(c);
        case SyncDone d -> onSyncDone(d);
        case Hello h -> stats.unexpected.increment();
        case Ack a -> stats.unexpected.increment();
        case Refuse r -> stats.unexpected.increment();
        case CopyAck c -> stats.unexpected.increment();
      }
    } catch (IOException | RuntimeException e) {
      // The applier's state is unknown now: fence this replica rather than apply on top of it.
      failed = true;
      stats.failed.increment();
      log.error("replica apply failed resource={} seq={}; fenced", resource, receivedSeq(), e);
      refuse(RefuseReason.FAILED, receivedSeq() + 1);
    }
  }

  /** Syncs records left un-synced for longer than the sync interval. */
  public int doWork(long nowNanos) {
    if (failed
        || unsyncedBytes == 0
        || nowNanos - firstUnsyncedNanos < config.syncIntervalNanos()) {
      return 0;
    }
    try {
      syncNow();
    } catch (IOException e) {
      failed = true;
      stats.failed.increment();
      log.error("replica sync failed resource={}; fenced", resource, e);
      return 1;
    }
    sendAck();
    return 1;
  }

  private Hello hello() {
    return new Hello(resource, knownEpoch, history.truncate(durableSeq), inconsistent);
  }

  private void onAppend(Append a, long nowNanos) throws IOException {
    if (!copyDone || inconsistent) {
      // A copy is in progress or was interrupted: records must not overwrite copied data; only a
      // completed copy makes this replica consistent again.
      return;
    }
    boolean wantSync = a.syncRequested();
    List<Record> records = a.records();
    for (int i = 0; i < records.size(); i++) {
      Record r = records.get(i);
      Verdict v = accept(r, a.epoch(), nowNanos);
      if (v == Verdict.SKIP) {
        continue;
      }
      if (v == Verdict.STOP) {
        break;
      }
      boolean durableNow = wantSync && i == records.size() - 1;
      applier.apply(r, durableNow);
      stats.applied.increment();
      history = history.append(r.epoch(), r.seq());
      if (durableNow) {
        markSynced();
      } else {
        if (unsyncedBytes == 0) {
          firstUnsyncedNanos = nowNanos;
        }
        unsyncedBytes += r.sizeBytes();
      }
    }
    if (unsyncedBytes > 0 && (wantSync || unsyncedBytes >= config.syncBytes())) {
      syncNow();
    }
    sendAck();
  }

  private enum Verdict {
    APPLY,
    SKIP,
    STOP
  }

  /** Whether {@code r} is the next record to apply; refuses (and says why) when it cannot be. */
  private Verdict accept(Record r, long messageEpoch, long nowNanos) {
    long expected = receivedSeq() + 1;
    if (!r.verify()) {
      stats.corrupt.increment();
      refuse(RefuseReason.CORRUPT, expected);
      return Verdict.STOP;
    }
    if (r.seq() < expected) {
      stats.duplicates.increment();
      return Verdict.SKIP;
    }
    if (r.seq() > expected) {
      if (r.seq() != lastGapSeq || nowNanos - lastGapNanos >= config.gapRefuseIntervalNanos()) {
        lastGapSeq = r.seq();
        lastGapNanos = nowNanos;
        stats.gaps.increment();
        refuse(RefuseReason.GAP, expected);
      }
      return Verdict.STOP;
    }
    if (r.epoch() < history.lastEpoch() || r.epoch() > messageEpoch) {
      stats.diverged.increment();
      log.warn(
          "record contradicts history resource={} seq={} recordEpoch={} lastEpoch={}",
          resource,
          r.seq(),
          r.epoch(),
          history.lastEpoch());
      refuse(RefuseReason.DIVERGED, expected);
      return Verdict.STOP;
    }
    return Verdict.APPLY;
  }

  private void onSyncStart(SyncStart s) throws IOException {
    boolean newer = s.epoch() > copyEpoch || (s.epoch() == copyEpoch && s.syncId() > copySyncId);
    if (!newer && s.syncId() != copySyncId) {
      stats.unexpected.increment(); // a late start of an earlier copy: must not restart anything
      return;
    }
    if (newer) {
      copyEpoch = s.epoch();
      applier.beginCopy();
      inconsistent = true;
      copySyncId = s.syncId();
      copyNextIndex = 0;
      copyDone = false;
      unsyncedBytes = 0;
    }
    sendCopyAck();
  }

  private void onCopyChunk(CopyChunk c) throws IOException {
    if (c.syncId() != copySyncId || c.epoch() != copyEpoch || copyDone) {
      stats.unexpected.increment();
      return;
    }
    if (c.index() == copyNextIndex) {
      if (!c.record().verify()) {
        stats.corrupt.increment();
        return; // the primary resends from the acked index
      }
      applier.applyCopy(c.record());
      stats.copyChunks.increment();
      copyNextIndex++;
    }
    sendCopyAck();
  }

  private void onSyncDone(SyncDone d) throws IOException {
    if (d.syncId() != copySyncId || d.epoch() != copyEpoch) {
      stats.unexpected.increment();
      return;
    }
    if (!copyDone && copyNextIndex == d.chunkCount()) {
      applier.endCopy(d.history());
      history = d.history();
      durableSeq = history.lastSeq();
      unsyncedBytes = 0;
      inconsistent = false;
      copyDone = true;
    }
    sendCopyAck();
    if (copyDone) {
      sendAck();
    }
  }

  private void syncNow() throws IOException {
    applier.sync();
    markSynced();
  }

  private void markSynced() {
    stats.syncs.increment();
    durableSeq = history.lastSeq();
    unsyncedBytes = 0;
  }

  private void sendAck() {
    toPrimary.send(new Ack(resource, knownEpoch, receivedSeq(), durableSeq));
  }

  private void sendCopyAck() {
    toPrimary.send(new CopyAck(resource, knownEpoch, copySyncId, copyNextIndex, copyDone));
  }

  private void refuse(RefuseReason reason, long expectedSeq) {
    toPrimary.send(new Refuse(resource, knownEpoch, reason, expectedSeq));
  }

  /** The last seq applied (received strength). */
  public long receivedSeq() {
    return history.lastSeq();
  }

  /** The last seq on stable storage. */
  public long durableSeq() {
    return durableSeq;
  }

  public long knownEpoch() {
    return knownEpoch;
  }

  /** The applied history (its tail beyond {@link #durableSeq()} is not yet durable). */
  public History history() {
    return history;
  }

  public boolean inconsistent() {
    return inconsistent;
  }

  public boolean failed() {
    return failed;
  }
}
