package io.doppel.replication.history;

/**
 * How a node picks the replication epoch it serves a resource (a volume, an export) in. An epoch is
 * a counter in the high bits and the node's tie-breaker in the low byte ({@code 255 - rank}, so the
 * volume's preferred node wins a tie). Two nodes can therefore never serve in the same epoch, even
 * when an operator promotes one while the other restarts as primary: without the tie-breaker both
 * would take "highest seen + 1", write in one epoch from the same seq, and their forked histories
 * would look identical (REPLICATION.md "Who is newer"), hiding a split brain instead of refusing
 * it.
 */
public final class NodeEpochs {
  /** Nodes per volume the tie-breaker can tell apart. */
  public static final int MAX_NODES = 256;

  private NodeEpochs() {}

  /** The epoch this node takes after having seen {@code highestSeen}: a greater counter. */
  public static long after(long highestSeen, int rank) {
    if (rank < 0 || rank >= MAX_NODES) {
      throw new IllegalArgumentException("node rank " + rank + " outside 0.." + (MAX_NODES - 1));
    }
    long counter = (Math.max(0, highestSeen) >>> 8) + 1;
    return counter << 8 | (MAX_NODES - 1 - rank);
  }

  /** The counter part of an epoch (what an operator compares). */
  public static long counter(long epoch) {
    return epoch >>> 8;
  }
}
