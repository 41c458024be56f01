package io.doppel.fs.store;

/**
 * Tuning of one export's store.
 *
 * @param mutationLogMaxBytes the mutation log is trimmed from the oldest record when its encoded
 *     records exceed this many bytes (replication catch-up reaches back at most this far)
 * @param mutationLogMaxRecords the same bound in records
 */
public record StoreOptions(long mutationLogMaxBytes, long mutationLogMaxRecords) {
  public StoreOptions {
    if (mutationLogMaxBytes < 1 || mutationLogMaxRecords < 1) {
      throw new IllegalArgumentException(
          "mutation log bounds must be positive: bytes="
              + mutationLogMaxBytes
              + " records="
              + mutationLogMaxRecords);
    }
  }

  public static StoreOptions defaults() {
    return new StoreOptions(64L << 20, 1_000_000L);
  }
}
