package io.doppel.replication.wire;

import io.doppel.replication.history.History;
import java.util.List;

/**
 * Everything a primary and a replica say to each other about one resource. Every message carries
 * the sender's epoch: a replica refuses (and counts) anything from an epoch older than one it has
 * seen; a primary that hears of a newer epoch is fenced (SYSTEM.md invariant 3).
 */
public sealed interface ReplicationMessage {
  String resource();

  long epoch();

  /** Primary → replica: "tell me your history" (on connect, and while the replica is unknown). */
  record Probe(String resource, long epoch) implements ReplicationMessage {}

  /**
   * Replica → primary: the replica's persisted history ({@code lastSeq} is durable there) and
   * whether a copy was interrupted, leaving its data inconsistent until a new copy completes.
   */
  record Hello(String resource, long epoch, History history, boolean inconsistent)
      implements ReplicationMessage {}

  /**
   * Primary → replica: consecutive records; {@code syncRequested} asks the replica to make them
   * durable now (a front end waits for {@link AckStrength#DURABLE}).
   */
  record Append(String resource, long epoch, boolean syncRequested, List<Record> records)
      implements ReplicationMessage {
    public Append {
      records = List.copyOf(records);
    }
  }

  /** Replica → primary: cumulative acks of both strengths. */
  record Ack(String resource, long epoch, long receivedSeq, long durableSeq)
      implements ReplicationMessage {}

  /**
   * Replica → primary: a refusal. For {@link RefuseReason#GAP} and {@link RefuseReason#CORRUPT}
   * {@code expectedSeq} is the next seq the replica can apply (the catch-up request).
   */
  record Refuse(String resource, long epoch, RefuseReason reason, long expectedSeq)
      implements ReplicationMessage {}

  /**
   * Primary → replica: a copy (dirty regions, or a full snapshot) begins; the replica's data is
   * inconsistent until the matching {@link SyncDone}.
   */
  record SyncStart(String resource, long epoch, long syncId) implements ReplicationMessage {}

  /** Primary → replica: copy item {@code index} (0-based) of copy {@code syncId}. */
  record CopyChunk(String resource, long epoch, long syncId, long index, Record record)
      implements ReplicationMessage {}

  /**
   * Primary → replica: copy {@code syncId} is complete after {@code chunkCount} items; the replica
   * is now consistent with {@code history} and continues from {@code history.lastSeq() + 1}.
   */
  record SyncDone(String resource, long epoch, long syncId, long chunkCount, History history)
      implements ReplicationMessage {}

  /**
   * Replica → primary: {@code appliedChunks} items of copy {@code syncId} are applied (durable only
   * once {@code done}: its {@link SyncDone} made the copy durable).
   */
  record CopyAck(String resource, long epoch, long syncId, long appliedChunks, boolean done)
      implements ReplicationMessage {}
}
