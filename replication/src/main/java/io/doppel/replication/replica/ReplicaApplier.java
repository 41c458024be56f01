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
import io.doppel.replication.wire.ReplicationMessage.VerifyReply;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

  /** Longest a record stays un-synced while records keep arriving, in sync intervals. */
  static final int MAX_SYNC_AGE_INTERVALS = 20;

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
  private long lastAppliedNanos;
  private CompletableFuture<Void> syncing;
  private long syncingSeq;
  private long lastGapSeq = -1;
  private long lastGapNanos;
  private long copySyncId = -1;
  private long copyEpoch = -1;
  private long copyNextIndex;
  private boolean copyDone = true;
  private boolean primaryHere;
  private java.util.Optional<io.doppel.replication.history.TailClaim> tail =
      java.util.Optional.empty();

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

  /**
   * This node was the resource's primary and its image may hold a tail no replica received: told to
   * the next primary in every {@link Hello} until a newer primary sends data (it has judged the
   * tail by then: adopted, found nothing to do, or refused as a split brain until an operator
   * chooses). Call before the first message.
   */
  public void claimTail(io.doppel.replication.history.TailClaim claim) {
    tail = java.util.Optional.of(claim);
  }

  /**
   * This node serves the resource itself (it was promoted): whoever else acts as its primary in a
   * newer epoch meets a split brain, so every such message is refused as DIVERGED (the other side
   * reports it and waits for an operator) rather than answered with a history that stopped at the
   * promotion. Older epochs are still refused as stale (that primary is fenced).
   */
  public void refuseAsPrimaryHere() {
    primaryHere = true;
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
    if (primaryHere) {
      stats.unexpected.increment();
      refuse(RefuseReason.DIVERGED, receivedSeq() + 1);
      return;
    }
    try {
      if (tail.isPresent() && !(m instanceof Probe) && m.epoch() > tail.get().epoch()) {
        tail = java.util.Optional.empty();
        applier.tailResolved();
      }
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
        case VerifyReply v -> stats.unexpected.increment();
      }
    } catch (IOException | RuntimeException e) {
      // The applier's state is unknown now: fence this replica rather than apply on top of it.
      failed = true;
      stats.failed.increment();
      log.error("replica apply failed resource={} seq={}; fenced", resource, receivedSeq(), e);
      refuse(RefuseReason.FAILED, receivedSeq() + 1);
    }
  }

  /**
   * Syncs un-synced records once the stream has been quiet for the sync interval, or once the
   * oldest has waited {@link #MAX_SYNC_AGE_INTERVALS} intervals. While records keep streaming in,
   * syncs follow {@link ReplicaConfig#syncBytes()} instead: one force per many MiB, not one per
   * interval, because each force also stalls the applies queued behind it.
   */
  public int doWork(long nowNanos) {
    int work = pollSync(true);
    if (failed
        || unsyncedBytes == 0
        || (unsyncedBytes < config.syncBytes()
            && nowNanos - lastAppliedNanos < config.syncIntervalNanos()
            && nowNanos - firstUnsyncedNanos
                < MAX_SYNC_AGE_INTERVALS * config.syncIntervalNanos())) {
      return work;
    }
    return work + startSync();
  }

  /**
   * Starts a background sync of what is applied now unless one is running: the applies behind it go
   * on while the disk works, and the durable ack follows when it completes ({@link #pollSync}).
   */
  private int startSync() {
    if (syncing != null || failed) {
      return 0;
    }
    beginSync();
    return 1 + pollSync(true);
  }

  private void beginSync() {
    syncingSeq = history.lastSeq();
    unsyncedBytes = 0;
    syncing = applier.syncAsync();
  }

  /** Notes (and with {@code ack} acks) a finished background sync; a failed one fences. */
  private int pollSync(boolean ack) {
    CompletableFuture<Void> s = syncing;
    if (s == null || !s.isDone()) {
      return 0;
    }
    syncing = null;
    if (s.isCompletedExceptionally()) {
      failed = true;
      stats.failed.increment();
      log.error("replica sync failed resource={}; fenced", resource, s.exceptionNow());
      return 1;
    }
    stats.syncs.increment();
    if (syncingSeq > durableSeq) {
      durableSeq = syncingSeq;
      if (ack) {
        sendAck();
      }
    }
    return 1;
  }

  private Hello hello() {
    return new Hello(resource, knownEpoch, history.truncate(durableSeq), inconsistent, tail);
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
      if (applier instanceof VerifyAnswerer answerer) {
        answerVerify(answerer, r);
      }
      if (durableNow) {
        markSynced();
      } else {
        if (unsyncedBytes == 0) {
          firstUnsyncedNanos = nowNanos;
        }
        lastAppliedNanos = nowNanos;
        unsyncedBytes += r.sizeBytes();
      }
    }
    if (unsyncedBytes > 0 && wantSync) {
      syncNow();
    } else if (unsyncedBytes >= config.syncBytes() && syncing == null) {
      beginSync();
    }
    pollSync(false);
    sendAck();
  }

  /** Sends the answer to a verify record, before the ack that covers it (same connection). */
  private void answerVerify(VerifyAnswerer v, Record r) throws IOException {
    List<byte[]> digests = v.answer(r);
    if (digests != null) {
      toPrimary.send(new VerifyReply(resource, knownEpoch, r.seq(), digests));
    }
  }

  /**
   * A {@link RecordApplier} that also answers verify records (REPLICATION.md "Verify"): called
   * right after a record was applied, in seq order, so the digests describe the replica exactly as
   * of that record's seq.
   */
  public interface VerifyAnswerer {
    /** The digests answering {@code applied}, or null when it is not a verify record. */
    List<byte[]> answer(Record applied) throws IOException;
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
    applier.sync(); // covers a background sync still running, too
    syncing = null;
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
