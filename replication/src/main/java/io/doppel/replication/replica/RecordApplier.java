package io.doppel.replication.replica;

import io.doppel.replication.history.History;
import io.doppel.replication.wire.Record;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The front end's side of a replica: applies records with the same code the primary used (SYSTEM.md
 * invariant 2) and persists {@code (epoch, seq)} atomically with the data it describes. Called on
 * the resource's agent thread only, strictly in seq order.
 */
public interface RecordApplier {
  /**
   * Applies {@code record}; with {@code durable} the record and everything applied before it are on
   * stable storage when this returns (the fs store's {@code applyReplicated(record, durable)}).
   */
  void apply(Record record, boolean durable) throws IOException;

  /** Makes every applied record durable (batch durability). */
  void sync() throws IOException;

  /**
   * Starts making every record applied so far durable and returns at once; the future completes (on
   * any thread) when they are. Records applied after this call are not covered. The agent keeps
   * applying meanwhile and starts at most one at a time. The default syncs inline.
   */
  default CompletableFuture<Void> syncAsync() {
    try {
      sync();
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A copy begins: persist that the data is inconsistent until {@link #endCopy}. */
  void beginCopy() throws IOException;

  /** Applies one copy item (a region's content, a snapshot chunk), in copy order. */
  void applyCopy(Record chunk) throws IOException;

  /**
   * The copy is complete: make it durable, persist {@code history} as the resource's history and
   * clear the inconsistent mark, atomically.
   */
  void endCopy(History history) throws IOException;

  /**
   * A newer primary has judged the tail this node claimed as a former primary ({@link
   * ReplicaApplier#claimTail}): forget the write-intent record it came from.
   */
  default void tailResolved() throws IOException {}
}
