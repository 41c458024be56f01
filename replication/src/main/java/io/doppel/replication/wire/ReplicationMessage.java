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
  record Hello(
      String resource,
      long epoch,
      History history,
      boolean inconsistent,
      java.util.Optional<io.doppel.replication.history.TailClaim> tail)
      implements ReplicationMessage {
    /** A replica that was never primary of the resource (or whose tail was resolved). */
    public Hello(String resource, long epoch, History history, boolean inconsistent) {
      this(resource, epoch, history, inconsistent, java.util.Optional.empty());
    }
  }

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

  /**
   * Replica → primary: the replica's digests of the units (block regions, file inode ranges) named
   * by the verify record {@code seq}, computed when it applied that record, so after exactly the
   * same records as the primary's digests in it (REPLICATION.md "Verify"). A message of its own
   * rather than a field of {@link Ack}: acks are cumulative and may be coalesced or skipped, while
   * each verify answer must arrive exactly once and carries a variable-size body. It is sent before
   * the ack covering {@code seq} on the same connection, so a primary that sees that ack has
   * already seen the answer.
   *
   * @param digests one digest per unit, all of the same length (1..{@link #MAX_DIGEST_BYTES})
   */
  record VerifyReply(String resource, long epoch, long seq, List<byte[]> digests)
      implements ReplicationMessage {
    /** Longest digest accepted (SHA-512 would fit; SHA-256 is what the block face uses). */
    public static final int MAX_DIGEST_BYTES = 64;

    /** Most digests in one answer: bounds both the frame and the primary's comparison work. */
    public static final int MAX_DIGESTS = 1 << 16;

    public VerifyReply {
      digests = List.copyOf(digests);
      if (digests.size() > MAX_DIGESTS) {
        throw new IllegalArgumentException("too many digests: " + digests.size());
      }
      int len = digests.isEmpty() ? 1 : digests.get(0).length;
      for (byte[] d : digests) {
        if (d.length != len || len < 1 || len > MAX_DIGEST_BYTES) {
          throw new IllegalArgumentException("digests must share a length of 1..64 bytes");
        }
      }
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof VerifyReply v)
          || !v.resource.equals(resource)
          || v.epoch != epoch
          || v.seq != seq
          || v.digests.size() != digests.size()) {
        return false;
      }
      for (int i = 0; i < digests.size(); i++) {
        if (!java.util.Arrays.equals(v.digests.get(i), digests.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(seq) * 31 + digests.size();
    }

    @Override
    public String toString() {
      return "VerifyReply[" + resource + " e" + epoch + " s" + seq + " " + digests.size() + "]";
    }
  }
}
