package io.doppel.replication.primary;

import io.doppel.replication.history.History;
import io.doppel.replication.track.ChangeTracker;
import io.doppel.replication.track.CopySource;
import io.doppel.replication.track.RecordSource;
import io.doppel.replication.track.SourceRead;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary side of one resource's replication (REPLICATION.md): the front end offers each record
 * after applying it locally, and waits on the returned future for the strength it needs; one {@link
 * ReplicaSession} per replica sends, retransmits, times out and catches up. One agent, one thread:
 * every method runs on the resource's thread, {@link #doWork(long)} drives timers.
 *
 * <p>A full window or a catch-up's final moment makes {@link #offer} answer {@link Offer.Wait}
 * without side effects: memory stays bounded and clients feel back-pressure instead.
 */
public final class PrimaryStream {
  private static final Logger log = LoggerFactory.getLogger(PrimaryStream.class);

  private final String resource;
  private final long epoch;
  private final PrimaryConfig config;
  private final ChangeTracker tracker;
  private final RecordSource source;
  private final CopySource copySource;
  private final PrimaryStats stats;
  private final Consumer<ReplicationEvent> events;
  private final Map<String, ReplicaSession> sessions = new LinkedHashMap<>();
  private final RecordBuffer buffer = new RecordBuffer();
  private final CommitTracker commits = new CommitTracker();
  private SeqReservation seqReservation;
  private long reservedThroughSeq;
  private History history;
  private ReplicaSession holder;
  private long holdStartNanos;
  private long nextHoldAllowedNanos = Long.MIN_VALUE;
  private long fencedBy;
  private long syncIds;
  private long allDurableReported = -1;
  private boolean unknownResolved;
  private CompletableFuture<Void> writable = CompletableFuture.completedFuture(null);
  private VerifyListener verifyListener;

  /**
   * @param history the resource's persisted history (records of this epoch follow it)
   * @param tracker what lagging replicas miss (log or dirty map)
   * @param source the record log catch-up reads from, or null (block: dirty map only)
   * @param copySource what copies read, or null (then a full resync waits for an operator)
   */
  public PrimaryStream(
      String resource,
      long epoch,
      History history,
      PrimaryConfig config,
      ChangeTracker tracker,
      RecordSource source,
      CopySource copySource,
      PrimaryStats stats,
      Consumer<ReplicationEvent> events) {
    if (epoch < history.lastEpoch()) {
      throw new IllegalArgumentException("epoch " + epoch + " older than history " + history);
    }
    this.resource = resource;
    this.epoch = epoch;
    this.history = history;
    this.config = config;
    this.tracker = tracker;
    this.source = source;
    this.copySource = copySource;
    this.stats = stats;
    this.events = events;
  }

  /** Adds a replica, in state UNKNOWN: it is probed for its history. */
  public void addReplica(String replicaId, MessageSink sink, long nowNanos) {
    if (sessions.containsKey(replicaId)) {
      throw new IllegalArgumentException("replica " + replicaId + " already added");
    }
    ReplicaSession s = new ReplicaSession(this, replicaId, sink, nowNanos);
    sessions.put(replicaId, s);
    Map<String, String> labels = Map.of("resource", resource, "replica", replicaId);
    stats.registry.gauge(
        "doppel_replication_replica_state",
        "Replica state code (ReplicaState).",
        labels,
        () -> s.state().code());
    stats.registry.gauge(
        "doppel_replication_durable_seq", "Replica's durable seq.", labels, s::durableAck);
  }

  /**
   * Reserves seqs durably before they are sent ({@link SeqReservation}); {@code reservedThrough} is
   * what is already reserved. Call before the first offer.
   */
  public void reserveSeqsWith(SeqReservation reservation, long reservedThrough) {
    this.seqReservation = reservation;
    this.reservedThroughSeq = reservedThrough;
  }

  /** The newer epoch that fenced this primary, or 0 while it is not fenced. */
  public long fencedByEpoch() {
    return fencedBy;
  }

  /**
   * Offers the next record (seq = {@link #lastSeq()} + 1, epoch = {@link #epoch()}), already
   * applied locally. Returns {@link Offer.Accepted} with a future for {@code strength}, or {@link
   * Offer.Wait} (offer it again once {@link #writable()} completes), or {@link Offer.Fenced}.
   */
  public Offer offer(Record record, AckStrength strength, long nowNanos) {
    if (fencedBy > 0) {
      return new Offer.Fenced(fencedBy);
    }
    if (!record.resource().equals(resource)
        || record.epoch() != epoch
        || record.seq() != lastSeq() + 1) {
      throw new IllegalArgumentException(
          "offer of " + record + " to " + resource + " e" + epoch + " at seq " + lastSeq());
    }
    if (holder != null) {
      armWritable();
      return new Offer.Wait(Offer.Reason.HELD_FOR_CATCH_UP);
    }
    if (buffer.bytes() >= config.windowBytes()) {
      stats.windowFull.increment();
      armWritable();
      return new Offer.Wait(Offer.Reason.WINDOW_FULL);
    }
    if (seqReservation != null && record.seq() > reservedThroughSeq) {
      reservedThroughSeq = seqReservation.reserveThrough(record.seq());
    }
    history = history.append(epoch, record.seq());
    buffer.add(record);
    stats.records.increment();
    CompletableFuture<Long> committed = commits.await(record.seq(), strength);
    for (ReplicaSession s : sessions.values()) {
      if (s.state() == ReplicaState.IN_SYNC) {
        s.pumpRecords(nowNanos);
      }
    }
    afterProgress(nowNanos);
    return new Offer.Accepted(record.seq(), committed);
  }

  /**
   * Whether {@link #offer} would accept a record now. A front end checks this before applying a
   * write locally, so it never holds a locally applied record it cannot offer.
   */
  public boolean canOffer() {
    return fencedBy == 0 && holder == null && buffer.bytes() < config.windowBytes();
  }

  /** Completes when offers may be accepted again (already complete when they may). */
  public CompletableFuture<Void> writable() {
    return writable;
  }

  /** A message from replica {@code replicaId}. */
  public void onMessage(String replicaId, ReplicationMessage m, long nowNanos) {
    if (fencedBy > 0) {
      return;
    }
    if (m.epoch() > epoch) {
      fence(m.epoch());
      return;
    }
    ReplicaSession s = sessions.get(replicaId);
    if (s == null) {
      stats.anomalies.increment();
      return;
    }
    if (m.epoch() < epoch) {
      stats.staleEpoch.increment(); // sent before the replica heard of this epoch
      return;
    }
    s.onMessage(m, nowNanos);
    afterProgress(nowNanos);
  }

  /** The transport connected to the replica. */
  public void onConnected(String replicaId, long nowNanos) {
    ReplicaSession s = sessions.get(replicaId);
    if (s != null && fencedBy == 0) {
      s.onConnected(nowNanos);
    }
  }

  /** The transport lost the replica: it goes out of sync now, not after the ack timeout. */
  public void onDisconnected(String replicaId, long nowNanos) {
    ReplicaSession s = sessions.get(replicaId);
    if (s != null && fencedBy == 0) {
      s.onDisconnected(nowNanos);
      afterProgress(nowNanos);
    }
  }

  /** Drives timers, sends, catch-ups. Returns the amount of work done (0 = idle). */
  public int doWork(long nowNanos) {
    if (fencedBy > 0) {
      return 0;
    }
    int work = 0;
    for (ReplicaSession s : sessions.values()) {
      work += s.doWork(nowNanos);
    }
    afterProgress(nowNanos);
    tracker.tick(nowNanos);
    return work;
  }

  /** Operator: this primary survives a split brain; the replica's changes are discarded. */
  public void discardReplicaChanges(String replicaId, long nowNanos) {
    session(replicaId).discardReplicaChanges(nowNanos);
  }

  /**
   * Operator (verify --repair): replica {@code replicaId} leaves sync if it is in sync, so that its
   * catch-up copies every dirty-map region stamped after its durable seq. Call it in the same agent
   * step that stamps the regions, before offering the stamping record, so the replica cannot
   * durably acknowledge that record first.
   */
  public void forceCatchUp(String replicaId, String reason, long nowNanos) {
    session(replicaId).forceCatchUp(reason, nowNanos);
  }

  /** Who receives replicas' answers to verify records (one online verify at a time). */
  public void verifyListener(VerifyListener listener) {
    this.verifyListener = listener;
  }

  /** Receives each replica's answer to a verify record (resource thread). */
  @FunctionalInterface
  public interface VerifyListener {
    void onVerifyReply(String replicaId, long seq, List<byte[]> digests);
  }

  void verifyReplied(String replicaId, ReplicationMessage.VerifyReply v) {
    if (verifyListener == null || v.seq() > lastSeq()) {
      stats.anomalies.increment(); // nobody asked, or an answer to a record never offered
      return;
    }
    verifyListener.onVerifyReply(replicaId, v.seq(), v.digests());
  }

  /** Operator: sets a replica's resync rate (0 = unlimited). */
  public void setCopyRate(String replicaId, long bytesPerSecond) {
    session(replicaId).rate().setTargetBytesPerSecond(bytesPerSecond);
  }

  private ReplicaSession session(String replicaId) {
    ReplicaSession s = sessions.get(replicaId);
    if (s == null) {
      throw new IllegalArgumentException("no replica " + replicaId + " for " + resource);
    }
    return s;
  }

  /** Completes what the in-sync group now holds, trims the buffer, lets the tracker forget. */
  private void afterProgress(long nowNanos) {
    long minReceived = lastSeq();
    long minDurable = lastSeq();
    long allDurable = lastSeq();
    boolean anyOwesUnknown = false;
    for (ReplicaSession s : sessions.values()) {
      anyOwesUnknown |= s.owesUnknown();
      if (s.state() == ReplicaState.IN_SYNC) {
        minReceived = Math.min(minReceived, s.receivedAck());
        minDurable = Math.min(minDurable, s.durableAck());
      }
      allDurable = Math.min(allDurable, s.durableAck());
    }
    commits.advance(minReceived, minDurable);
    buffer.trimThrough(minDurable);
    if (!anyOwesUnknown && !unknownResolved && !sessions.isEmpty()) {
      unknownResolved = true;
      tracker.unknownResolved();
    }
    if (allDurable > allDurableReported) {
      allDurableReported = allDurable;
      tracker.allDurableThrough(allDurable);
    }
    if (!writable.isDone() && holder == null && buffer.bytes() < config.windowBytes()) {
      writable.complete(null);
    }
  }

  private void armWritable() {
    if (writable.isDone()) {
      writable = new CompletableFuture<>();
    }
  }

  private void fence(long newerEpoch) {
    fencedBy = newerEpoch;
    log.warn("primary fenced resource={} epoch={} newerEpoch={}", resource, epoch, newerEpoch);
    commits.failAll(new FencedException(resource, epoch, newerEpoch));
    emit(new ReplicationEvent.Fenced(resource, epoch, newerEpoch));
    writable.complete(null);
  }

  // ---- for sessions -----------------------------------------------------------------------

  SourceRead read(long seq, long maxBytes) {
    if (buffer.covers(seq)) {
      return new SourceRead.Records(buffer.readFrom(seq, maxBytes));
    }
    if (seq > lastSeq()) {
      return new SourceRead.Records(List.of());
    }
    if (source != null) {
      return capAtLastSeq(source.readFrom(seq, maxBytes));
    }
    return new SourceRead.Trimmed(lastSeq() - buffer.size() + 1);
  }

  /** The front end may have logged a record it has not offered yet: never send past lastSeq. */
  private SourceRead capAtLastSeq(SourceRead read) {
    if (read instanceof SourceRead.Records r
        && !r.records().isEmpty()
        && r.records().get(r.records().size() - 1).seq() > lastSeq()) {
      return new SourceRead.Records(
          r.records().stream().filter(rec -> rec.seq() <= lastSeq()).toList());
    }
    return read;
  }

  long backlogBytes(long fromSeq) {
    return source != null ? source.bytesFrom(fromSeq) : tracker.trackedBytes(fromSeq - 1);
  }

  boolean durableWanted(long from, long to) {
    return commits.durableWanted(from, to);
  }

  boolean requestHold(ReplicaSession s, long nowNanos) {
    if (holder == null && nowNanos >= nextHoldAllowedNanos) {
      holder = s;
      holdStartNanos = nowNanos;
      return true;
    }
    return holder == s;
  }

  void releaseHold(ReplicaSession s, long nowNanos) {
    if (holder == s) {
      holder = null;
      // Clients get at least as long to write as they were held, whichever replica asks next.
      nextHoldAllowedNanos = nowNanos + config.holdMaxNanos();
      stats.holdSeconds.observe((nowNanos - holdStartNanos) / 1e9);
      if (!writable.isDone() && buffer.bytes() < config.windowBytes()) {
        writable.complete(null);
      }
    }
  }

  boolean isHeldBy(ReplicaSession s) {
    return holder == s;
  }

  long holdStartNanos() {
    return holdStartNanos;
  }

  /**
   * Copy ids ascend within an epoch; replicas ignore a copy start older than the newest they saw. A
   * restarted primary takes a new epoch (a new lease), so ids never need to survive a restart.
   */
  long nextSyncId() {
    return ++syncIds;
  }

  void emit(ReplicationEvent e) {
    events.accept(e);
  }

  PrimaryConfig config() {
    return config;
  }

  PrimaryStats stats() {
    return stats;
  }

  ChangeTracker tracker() {
    return tracker;
  }

  CopySource copySource() {
    return copySource;
  }

  // ---- views ------------------------------------------------------------------------------

  public String resource() {
    return resource;
  }

  public long epoch() {
    return epoch;
  }

  public long lastSeq() {
    return history.lastSeq();
  }

  public History history() {
    return history;
  }

  public boolean fenced() {
    return fencedBy > 0;
  }

  /** Highest seq committed at durable strength (every in-sync replica has it on disk). */
  public long committedDurableSeq() {
    return commits.committedDurable();
  }

  public ReplicaState state(String replicaId) {
    return session(replicaId).state();
  }

  public List<ReplicaStatus> status(long nowNanos) {
    List<ReplicaStatus> out = new ArrayList<>();
    sessions.values().forEach(s -> out.add(s.status(nowNanos)));
    return out;
  }

  /** Whether a catch-up currently holds new writes. */
  public boolean held() {
    return holder != null;
  }
}
