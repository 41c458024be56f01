package io.doppel.replication.history;

/**
 * How two histories of one resource relate (REPLICATION.md "Who is newer").
 *
 * @param relation the verdict
 * @param commonSeq the last seq both histories agree on (same epoch for every seq up to it)
 */
public record Comparison(Relation relation, long commonSeq) {

  /** The verdict of {@link #compare}. */
  public enum Relation {
    /** Same generations and same last seq: in sync. */
    EQUAL,
    /** The local history extends the remote one: local is the source, catch up from commonSeq. */
    LOCAL_AHEAD,
    /** The remote history extends the local one: remote is the source. */
    REMOTE_AHEAD,
    /** Both accepted different records after commonSeq: split brain, no automatic resync. */
    DIVERGED
  }

  /** Compares {@code local} with {@code remote}. */
  public static Comparison compare(History local, History remote) {
    long common = agreedThrough(local, remote);
    long min = Math.min(local.lastSeq(), remote.lastSeq());
    if (common < min) {
      return new Comparison(Relation.DIVERGED, common);
    }
    if (local.lastSeq() == remote.lastSeq()) {
      return new Comparison(Relation.EQUAL, common);
    }
    return new Comparison(
        local.lastSeq() > remote.lastSeq() ? Relation.LOCAL_AHEAD : Relation.REMOTE_AHEAD, common);
  }

  /**
   * The largest seq s ≤ min(lastSeq) such that both histories give every seq ≤ s the same epoch.
   * Epochs can only change at a generation boundary of either history, so checking the boundaries
   * suffices.
   */
  private static long agreedThrough(History a, History b) {
    long min = Math.min(a.lastSeq(), b.lastSeq());
    long firstDisagreement = Long.MAX_VALUE;
    for (History h : new History[] {a, b}) {
      for (History.Generation g : h.generations()) {
        long s = g.firstSeq();
        if (s <= min && a.epochOf(s) != b.epochOf(s)) {
          firstDisagreement = Math.min(firstDisagreement, s);
        }
      }
    }
    return firstDisagreement == Long.MAX_VALUE ? min : firstDisagreement - 1;
  }
}
