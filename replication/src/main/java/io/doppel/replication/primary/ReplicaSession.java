package io.doppel.replication.primary;

import io.doppel.replication.history.Comparison;
import io.doppel.replication.history.History;
import io.doppel.replication.history.TailClaim;
import io.doppel.replication.track.CatchUp;
import io.doppel.replication.track.CopyTask;
import io.doppel.replication.track.RateController;
import io.doppel.replication.track.ResyncPlanner;
import io.doppel.replication.track.ResyncProgress;
import io.doppel.replication.track.SourceRead;
import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.Record;
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
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's view of one replica of one resource (Aeron-style agent, driven by {@link
 * #doWork(long)} on the resource's thread): pipelined sends bounded by a byte window, cumulative
 * acks of both strengths, retransmission after silence, out-of-sync on ack timeout, and bringing
 * the replica back from the record log or by copy rounds that shrink until a final one runs with
 * new writes held for a bounded moment. {@link #transition} is the only place the state changes.
 */
final class ReplicaSession {
  private static final Logger log = LoggerFactory.getLogger(ReplicaSession.class);

  private final PrimaryStream stream;
  private final String replicaId;
  private final MessageSink sink;
  private final PrimaryConfig config;
  private final PrimaryStats stats;
  private final RateController rate;
  private ReplicaState state = ReplicaState.UNKNOWN;
  private long stateSinceNanos;
  private long receivedAck;
  private long durableAck;
  private long nextSeq = 1;
  private final ArrayDeque<long[]> inflight = new ArrayDeque<>();
  private long inflightBytes;
  private boolean forceSync;
  private long lastProgressNanos;
  private long lastRetransmitNanos = Long.MIN_VALUE / 2;
  private long lastProbeNanos = Long.MIN_VALUE / 2;
  private long lastGapSeq = -1;
  private long lastGapNanos;
  private long holdRetryAfterNanos = Long.MIN_VALUE / 2;
  private boolean logCatchUp;
  private boolean owesUnknown = true;
  private CopyRun copy;
  private long catchUpStartNanos;
  private long progressDone;
  private long progressTotal;

  ReplicaSession(PrimaryStream stream, String replicaId, MessageSink sink, long nowNanos) {
    this.stream = stream;
    this.replicaId = replicaId;
    this.sink = sink;
    this.config = stream.config();
    this.stats = stream.stats();
    this.rate =
        new RateController(
            config.copyRateBytesPerSecond(),
            1 << 20,
            Math.max(1 << 20, config.copyRateBytesPerSecond() * 4),
            config.holdMaxNanos());
    this.stateSinceNanos = nowNanos;
    this.lastProgressNanos = nowNanos;
  }

  // ---- state ------------------------------------------------------------------------------

  /** The one transition method: checks legality, logs once, counts, timestamps, emits. */
  void transition(ReplicaState to, String reason, long nowNanos) {
    ReplicaState from = state;
    if (!to.canFollow(from)) {
      throw new IllegalStateException("illegal replica transition " + from + " -> " + to);
    }
    state = to;
    stateSinceNanos = nowNanos;
    stats.transitions.increment();
    if (from == ReplicaState.IN_SYNC && to != ReplicaState.IN_SYNC) {
      stats.outOfSync.increment();
    }
    if (to != ReplicaState.CATCHING_UP && to != ReplicaState.FULL_SYNC) {
      copy = null;
      logCatchUp = false;
      stream.releaseHold(this, nowNanos);
    }
    // A new round within CATCHING_UP/FULL_SYNC is an event but not a lifecycle change: DEBUG.
    boolean lifecycle = from != to;
    (lifecycle ? log.atInfo() : log.atDebug())
        .log(
            "replica state resource={} replica={} from={} to={} reason=\"{}\" epoch={}",
            stream.resource(),
            replicaId,
            from,
            to,
            reason,
            stream.epoch());
    stream.emit(
        new ReplicationEvent.StateChanged(
            stream.resource(), replicaId, from, to, reason, stream.epoch()));
  }

  private void goOutOfSync(String reason, long nowNanos) {
    transition(ReplicaState.LAGGING, reason, nowNanos);
    resetSending();
    lastProbeNanos = nowNanos;
  }

  private void resetSending() {
    inflight.clear();
    inflightBytes = 0;
    nextSeq = durableAck + 1;
  }

  // ---- agent ------------------------------------------------------------------------------

  int doWork(long nowNanos) {
    return switch (state) {
      case UNKNOWN, LAGGING -> probe(nowNanos, false);
      case IN_SYNC -> pumpRecords(nowNanos) + checkRecordTimers(nowNanos);
      case CATCHING_UP, FULL_SYNC -> catchUpWork(nowNanos);
      case DIVERGED -> 0;
    };
  }

  private int probe(long nowNanos, boolean now) {
    if (!now && nowNanos - lastProbeNanos < config.probeIntervalNanos()) {
      return 0;
    }
    lastProbeNanos = nowNanos;
    sink.send(new Probe(stream.resource(), stream.epoch()));
    return 1;
  }

  private int catchUpWork(long nowNanos) {
    if (copy != null) {
      return pumpCopy(nowNanos) + checkCopyTimers(nowNanos);
    }
    if (!logCatchUp) {
      return 0; // FULL_SYNC without a copy source: waiting for an operator
    }
    int work = pumpRecords(nowNanos);
    if (state != ReplicaState.CATCHING_UP) {
      return work;
    }
    work += checkRecordTimers(nowNanos);
    if (state == ReplicaState.CATCHING_UP) {
      work += holdForLogTail(nowNanos);
    }
    return work;
  }

  /** Sends records from {@code nextSeq} while the window has room. */
  int pumpRecords(long nowNanos) {
    int sent = 0;
    while (nextSeq <= stream.lastSeq() && inflightBytes < config.windowBytes()) {
      long room = Math.min(config.maxBatchBytes(), config.windowBytes() - inflightBytes);
      SourceRead read = stream.read(nextSeq, room);
      List<Record> records;
      switch (read) {
        case SourceRead.Trimmed t -> {
          if (state == ReplicaState.IN_SYNC) {
            goOutOfSync("seq " + nextSeq + " no longer buffered", nowNanos);
          } else {
            startFullSync("log trimmed before seq " + nextSeq, nowNanos);
          }
          return sent + 1;
        }
        case SourceRead.Records r -> records = r.records();
      }
      if (records.isEmpty()) {
        break;
      }
      long first = records.get(0).seq();
      long last = records.get(records.size() - 1).seq();
      boolean sync = forceSync || stream.durableWanted(first, last) || stream.isHeldBy(this);
      forceSync = false;
      sink.send(new Append(stream.resource(), stream.epoch(), sync, records));
      for (Record r : records) {
        inflight.addLast(new long[] {r.seq(), r.sizeBytes()});
        inflightBytes += r.sizeBytes();
        stats.sentBytes.add(r.sizeBytes());
        if (logCatchUp) {
          progressDone += r.sizeBytes();
        }
      }
      nextSeq = last + 1;
      sent++;
    }
    return sent;
  }

  private int checkRecordTimers(long nowNanos) {
    boolean outstanding = durableAck < nextSeq - 1 || nextSeq <= stream.lastSeq();
    if (!outstanding) {
      lastProgressNanos = nowNanos;
      return 0;
    }
    if (nowNanos - lastProgressNanos >= config.ackTimeoutNanos()) {
      goOutOfSync("ack timeout", nowNanos);
      return 1;
    }
    long quietSince = Math.max(lastProgressNanos, lastRetransmitNanos);
    if (nowNanos - quietSince >= config.retransmitNanos()) {
      lastRetransmitNanos = nowNanos;
      if (receivedAck >= nextSeq - 1) {
        // Everything sent arrived; only durability is outstanding (a full window waits on the
        // replica's disk). Resending megabytes it holds would only slow it down: ask it to sync
        // and ack again instead (an Append without records).
        sink.send(new Append(stream.resource(), stream.epoch(), true, List.of()));
        return 1;
      }
      stats.retransmits.increment();
      rewindToReceived();
      forceSync = true;
      return 1 + pumpRecords(nowNanos);
    }
    return 0;
  }

  /**
   * Resends from the first record the replica has not acked as received, not from the last durable
   * one: a full window is megabytes it already holds. A replica that lost records (it restarted)
   * answers the resend with a gap refusal, and {@link #resendFrom} goes back to what it expects.
   */
  private void rewindToReceived() {
    long from = Math.max(durableAck, receivedAck) + 1;
    while (!inflight.isEmpty() && inflight.peekLast()[0] >= from) {
      inflightBytes -= inflight.removeLast()[1];
    }
    nextSeq = from;
  }

  /** Near the end of a log catch-up, holds new writes so the tail can drain. */
  private int holdForLogTail(long nowNanos) {
    if (stream.isHeldBy(this)) {
      if (durableAck >= stream.lastSeq()) {
        join("log tail drained", nowNanos);
        return 1;
      }
      if (nowNanos - stream.holdStartNanos() > config.holdMaxNanos()) {
        stream.releaseHold(this, nowNanos);
        holdRetryAfterNanos = nowNanos + config.holdMaxNanos();
      }
      return 0;
    }
    long backlog = stream.backlogBytes(durableAck + 1);
    if (nowNanos < holdRetryAfterNanos || backlog > config.holdThresholdBytes()) {
      return 0;
    }
    if (!stream.requestHold(this, nowNanos)) {
      return 0;
    }
    if (durableAck >= stream.lastSeq()) {
      join("caught up", nowNanos);
      return 1;
    }
    // Resend the (small) tail asking for a sync: joining needs every record durable there.
    resetSending();
    forceSync = true;
    return 1 + pumpRecords(nowNanos);
  }

  private void join(String reason, long nowNanos) {
    transition(ReplicaState.IN_SYNC, reason, nowNanos);
    nextSeq = Math.max(nextSeq, durableAck + 1);
    progressDone = progressTotal;
  }

  // ---- inbound ----------------------------------------------------------------------------

  void onMessage(ReplicationMessage m, long nowNanos) {
    switch (m) {
      case Hello h -> onHello(h, nowNanos);
      case Ack a -> onAck(a, nowNanos);
      case Refuse r -> onRefuse(r, nowNanos);
      case CopyAck c -> onCopyAck(c, nowNanos);
      case VerifyReply v -> stream.verifyReplied(replicaId, v);
      case Probe p -> stats.anomalies.increment();
      case Append a -> stats.anomalies.increment();
      case SyncStart s -> stats.anomalies.increment();
      case CopyChunk c -> stats.anomalies.increment();
      case SyncDone d -> stats.anomalies.increment();
    }
  }

  private void onAck(Ack a, long nowNanos) {
    boolean streaming =
        state == ReplicaState.IN_SYNC || (state == ReplicaState.CATCHING_UP && logCatchUp);
    if (!streaming) {
      return; // left over from before a state change; the Hello decides what happens next
    }
    if (a.receivedSeq() > stream.lastSeq() || a.durableSeq() > stream.lastSeq()) {
      stats.anomalies.increment();
      goOutOfSync("ack beyond last seq " + stream.lastSeq(), nowNanos);
      return;
    }
    boolean progress = a.durableSeq() > durableAck || a.receivedSeq() > receivedAck;
    durableAck = Math.max(durableAck, a.durableSeq());
    receivedAck = Math.max(receivedAck, Math.max(a.receivedSeq(), durableAck));
    if (progress) {
      lastProgressNanos = nowNanos;
    }
    while (!inflight.isEmpty() && inflight.peekFirst()[0] <= durableAck) {
      inflightBytes -= inflight.removeFirst()[1];
    }
    nextSeq = Math.max(nextSeq, receivedAck + 1);
    if (state == ReplicaState.CATCHING_UP
        && stream.isHeldBy(this)
        && durableAck >= stream.lastSeq()) {
      join("log tail drained", nowNanos);
    }
  }

  private void onRefuse(Refuse r, long nowNanos) {
    stats.refusals.increment();
    switch (r.reason()) {
      case STALE_EPOCH -> stats.staleEpoch.increment();
      case GAP, CORRUPT -> resendFrom(r.expectedSeq(), nowNanos);
      case DIVERGED -> diverge("replica refused records as diverged", null, nowNanos);
      case FAILED -> {
        if (state != ReplicaState.LAGGING && state != ReplicaState.UNKNOWN) {
          goOutOfSync("replica applier failed", nowNanos);
        }
      }
    }
  }

  private void resendFrom(long expected, long nowNanos) {
    boolean streaming =
        state == ReplicaState.IN_SYNC || (state == ReplicaState.CATCHING_UP && logCatchUp);
    if (!streaming || expected <= durableAck || expected > stream.lastSeq() + 1) {
      return; // stale (the replica has moved past it) or not streaming records now
    }
    if (expected == lastGapSeq && nowNanos - lastGapNanos < config.retransmitNanos()) {
      return; // the same request again while the resend is on its way
    }
    lastGapSeq = expected;
    lastGapNanos = nowNanos;
    receivedAck = Math.max(durableAck, Math.min(receivedAck, expected - 1));
    inflight.clear();
    inflightBytes = 0;
    nextSeq = expected;
    pumpRecords(nowNanos);
  }

  private void onHello(Hello h, long nowNanos) {
    if (state != ReplicaState.UNKNOWN && state != ReplicaState.LAGGING) {
      return; // a duplicate or late answer to an earlier probe
    }
    Comparison c = Comparison.compare(stream.history(), h.history());
    if (h.tail().isPresent() && adoptTail(h, c, nowNanos)) {
      return;
    }
    switch (c.relation()) {
      case DIVERGED -> diverge("histories fork after seq " + c.commonSeq(), h.history(), nowNanos);
      case REMOTE_AHEAD -> diverge("replica is ahead of the primary", h.history(), nowNanos);
      case EQUAL, LOCAL_AHEAD -> startCatchUp(h.history().lastSeq(), h.inconsistent(), nowNanos);
    }
  }

  /**
   * A former primary's image may hold a tail no replica received, past what its persisted history
   * shows or forking from ours ({@link TailClaim}). Written while every replica was in sync, that
   * tail was never acknowledged to a client: its regions join what changed here, and the usual copy
   * of changes overwrites them with our data. A tail written while some replica was out of sync may
   * hold acknowledged writes we lack: a split brain for an operator, even when the persisted
   * histories look like a prefix. Returns false to fall back to the plain history verdict.
   */
  private boolean adoptTail(Hello h, Comparison c, long nowNanos) {
    TailClaim tail = h.tail().get();
    History remote = h.history();
    long last = stream.lastSeq();
    if (stream.copySource() == null || tail.epoch() >= stream.epoch() || last < 1) {
      return false;
    }
    if (!tail.unacknowledgedOnly()) {
      diverge(
          "former primary served epoch " + tail.epoch() + " without " + tail.degradedReplicas(),
          remote,
          nowNanos);
      return true;
    }
    boolean forked =
        c.relation() == Comparison.Relation.DIVERGED
            || c.relation() == Comparison.Relation.REMOTE_AHEAD;
    if (forked
        && (remote.lastEpoch() != tail.epoch()
            || remote.epochOf(c.commonSeq() + 1) != tail.epoch())) {
      return false; // records of other epochs past the fork: not only its own tail
    }
    long durable = forked ? c.commonSeq() : remote.lastSeq();
    // Stamped at our last seq, with the replica taken as durable before it: the regions are in
    // this catch-up's plan, and clear once the replica has them.
    if (!stream.copySource().adoptChanges(tail.ranges(), last)) {
      return false;
    }
    log.info(
        "adopting former primary's unacknowledged tail resource={} replica={} epoch={} "
            + "relation={} durable={} ranges={}",
        stream.resource(),
        replicaId,
        tail.epoch(),
        c.relation(),
        durable,
        tail.ranges().size());
    startCatchUp(Math.min(durable, last - 1), h.inconsistent(), nowNanos);
    return true;
  }

  private void diverge(String reason, History remote, long nowNanos) {
    if (state == ReplicaState.DIVERGED) {
      return;
    }
    transition(ReplicaState.DIVERGED, reason, nowNanos);
    stats.splitBrain.increment();
    durableAck = 0; // nothing it holds counts until an operator chooses a survivor
    receivedAck = 0;
    stream.emit(
        new ReplicationEvent.SplitBrain(
            stream.resource(),
            replicaId,
            stream.history(),
            remote == null ? History.EMPTY : remote));
  }

  // ---- catch-up ---------------------------------------------------------------------------

  private void startCatchUp(long replicaDurable, boolean inconsistent, long nowNanos) {
    receivedAck = replicaDurable;
    durableAck = replicaDurable;
    resetSending();
    lastProgressNanos = nowNanos;
    catchUpStartNanos = nowNanos;
    progressDone = 0;
    progressTotal = stream.tracker().trackedBytes(replicaDurable);
    CatchUp path = stream.tracker().catchUpFrom(replicaDurable, stream.lastSeq(), owesUnknown);
    if (inconsistent && !(path instanceof CatchUp.CopyChanges)) {
      path = new CatchUp.FullSync();
    }
    follow(path, "replica durable through " + replicaDurable, nowNanos);
  }

  private void follow(CatchUp path, String why, long nowNanos) {
    switch (path) {
      case CatchUp.NothingMissing n -> join(why + ", nothing missing", nowNanos);
      case CatchUp.FromLog f -> {
        transition(ReplicaState.CATCHING_UP, why + ", from log at " + f.fromSeq(), nowNanos);
        logCatchUp = true;
        nextSeq = f.fromSeq();
        pumpRecords(nowNanos);
      }
      case CatchUp.CopyChanges c -> {
        List<CopyTask> tasks =
            stream.copySource() == null
                ? null
                : stream.copySource().planChangesAfter(c.afterSeq(), owesUnknown);
        if (tasks == null) {
          startFullSync(why + ", changes not copyable", nowNanos);
          return;
        }
        transition(ReplicaState.CATCHING_UP, why + ", copying changes", nowNanos);
        startCopyRound(tasks, nowNanos);
      }
      case CatchUp.FullSync f -> startFullSync(why + ", tracking does not reach back", nowNanos);
    }
  }

  private void startFullSync(String reason, long nowNanos) {
    if (state != ReplicaState.FULL_SYNC) {
      transition(ReplicaState.FULL_SYNC, reason, nowNanos);
    }
    logCatchUp = false;
    stream.releaseHold(this, nowNanos);
    if (stream.copySource() == null) {
      copy = null;
      stream.emit(new ReplicationEvent.NeedsFullSync(stream.resource(), replicaId));
      return;
    }
    startCopyRound(stream.copySource().planFull(), nowNanos);
  }

  private void startCopyRound(List<CopyTask> tasks, long nowNanos) {
    logCatchUp = false;
    long bytes = ResyncPlanner.bytes(tasks);
    boolean fin =
        bytes <= config.holdThresholdBytes()
            && nowNanos >= holdRetryAfterNanos
            && stream.requestHold(this, nowNanos);
    // Planned in this same agent step, so the plan is exactly as of lastSeq: no offer ran between.
    copy = new CopyRun(stream.nextSyncId(), tasks, stream.lastSeq(), fin);
    progressTotal = Math.max(progressTotal, progressDone) + bytes;
    lastProgressNanos = nowNanos;
    sink.send(new SyncStart(stream.resource(), stream.epoch(), copy.syncId));
    pumpCopy(nowNanos);
  }

  private int pumpCopy(long nowNanos) {
    CopyRun run = copy;
    int sent = 0;
    while (run.hasUnsent()
        && run.inflightBytes() < config.windowBytes()
        && rate.tryAcquire(run.nextTask().length(), nowNanos)) {
      Record r = stream.copySource().read(run.nextTask(), stream.epoch(), run.basisSeq);
      sink.send(new CopyChunk(stream.resource(), stream.epoch(), run.syncId, run.nextIndex(), r));
      run.sent(r.sizeBytes());
      stats.copyBytes.add(r.sizeBytes());
      sent++;
    }
    if (!run.hasUnsent() && !run.doneSent()) {
      History basis = stream.history().truncate(run.basisSeq);
      sink.send(
          new SyncDone(stream.resource(), stream.epoch(), run.syncId, run.tasks.size(), basis));
      run.markDoneSent();
      sent++;
    }
    return sent;
  }

  private int checkCopyTimers(long nowNanos) {
    if (copy != null
        && copy.finalRound
        && stream.isHeldBy(this)
        && nowNanos - stream.holdStartNanos() > config.holdMaxNanos()) {
      stream.releaseHold(this, nowNanos); // the round goes on; another one follows
      holdRetryAfterNanos = nowNanos + config.holdMaxNanos();
    }
    if (nowNanos - lastProgressNanos >= config.ackTimeoutNanos()) {
      goOutOfSync("copy ack timeout", nowNanos);
      return 1;
    }
    if (nowNanos - Math.max(lastProgressNanos, lastRetransmitNanos) >= config.retransmitNanos()) {
      lastRetransmitNanos = nowNanos;
      stats.retransmits.increment();
      copy.rewind();
      sink.send(new SyncStart(stream.resource(), stream.epoch(), copy.syncId));
      return 1 + pumpCopy(nowNanos);
    }
    return 0;
  }

  private void onCopyAck(CopyAck c, long nowNanos) {
    if (copy == null || c.syncId() != copy.syncId) {
      return;
    }
    long done = copy.acked(c.appliedChunks());
    if (done > 0 || c.done()) {
      lastProgressNanos = nowNanos;
      progressDone += done;
    }
    if (c.done() && c.appliedChunks() == copy.tasks.size()) {
      copyFinished(nowNanos);
    }
  }

  private void copyFinished(long nowNanos) {
    CopyRun run = copy;
    copy = null;
    owesUnknown = false; // every round includes what was unknown, so this replica has it now
    receivedAck = run.basisSeq;
    durableAck = run.basisSeq;
    resetSending();
    if (run.finalRound && stream.isHeldBy(this) && run.basisSeq == stream.lastSeq()) {
      join("final copy round done", nowNanos);
      return;
    }
    stream.releaseHold(this, nowNanos);
    CatchUp path = stream.tracker().catchUpFrom(run.basisSeq, stream.lastSeq(), false);
    if (path instanceof CatchUp.FullSync) {
      // Tracking overflowed while copying: start over rather than loop silently.
      log.warn(
          "tracking overflowed during copy resource={} replica={}", stream.resource(), replicaId);
    }
    follow(path, "copy round at " + run.basisSeq + " done", nowNanos);
  }

  // ---- link and operator ------------------------------------------------------------------

  void onDisconnected(long nowNanos) {
    if (state == ReplicaState.IN_SYNC
        || state == ReplicaState.CATCHING_UP
        || state == ReplicaState.FULL_SYNC) {
      goOutOfSync("link down", nowNanos);
    }
  }

  void onConnected(long nowNanos) {
    if (state == ReplicaState.UNKNOWN || state == ReplicaState.LAGGING) {
      probe(nowNanos, true);
    }
  }

  /**
   * Operator (verify --repair): an in-sync replica leaves sync now, so it catches up through the
   * dirty map from its durable seq and copies every region stamped after it; a replica already out
   * of sync gets those regions in its next copy round anyway.
   */
  void forceCatchUp(String reason, long nowNanos) {
    if (state == ReplicaState.IN_SYNC) {
      goOutOfSync(reason, nowNanos);
    }
  }

  /** Operator: the primary is the survivor; the replica's own changes are discarded by a copy. */
  void discardReplicaChanges(long nowNanos) {
    if (state != ReplicaState.DIVERGED) {
      throw new IllegalStateException("replica " + replicaId + " is " + state + ", not DIVERGED");
    }
    catchUpStartNanos = nowNanos;
    progressDone = 0;
    progressTotal = 0;
    startFullSync("operator discarded the replica's changes", nowNanos);
  }

  // ---- views ------------------------------------------------------------------------------

  ReplicaState state() {
    return state;
  }

  String replicaId() {
    return replicaId;
  }

  long receivedAck() {
    return receivedAck;
  }

  long durableAck() {
    return durableAck;
  }

  /** Whether this replica may still lack regions that were dirty when the primary restarted. */
  boolean owesUnknown() {
    return owesUnknown;
  }

  RateController rate() {
    return rate;
  }

  ReplicaStatus status(long nowNanos) {
    boolean catching = state == ReplicaState.CATCHING_UP || state == ReplicaState.FULL_SYNC;
    ResyncProgress progress =
        catching
            ? new ResyncProgress(progressDone, progressTotal, nowNanos - catchUpStartNanos)
            : ResyncProgress.NONE;
    long lag = state == ReplicaState.IN_SYNC ? 0 : stream.tracker().trackedBytes(durableAck);
    return new ReplicaStatus(
        replicaId, state, receivedAck, durableAck, lag, progress, stateSinceNanos);
  }
}
