package io.doppel.fs.store;

import io.doppel.fs.mutation.LoggedMutation;
import java.util.List;

/** What {@link MutationLog#readFrom} found. */
public sealed interface LogRead {
  /**
   * Consecutive records from the requested sequence (empty when it is past the end); {@code next}
   * is the sequence to ask for next.
   */
  record Records(List<LoggedMutation> records, long next) implements LogRead {
    public Records {
      records = List.copyOf(records);
    }
  }

  /** The requested sequence was trimmed: catch-up needs a full resync. */
  record Trimmed(long firstAvailable) implements LogRead {}
}
