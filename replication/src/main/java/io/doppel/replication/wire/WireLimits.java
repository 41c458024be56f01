package io.doppel.replication.wire;

/**
 * Hard limits checked before anything is allocated from a length read off the wire.
 *
 * @param maxFrameBytes largest frame (one message) accepted
 * @param maxPayloadBytes largest record payload accepted
 * @param maxRecordsPerAppend most records in one {@link ReplicationMessage.Append}
 */
public record WireLimits(int maxFrameBytes, int maxPayloadBytes, int maxRecordsPerAppend) {
  /** 64 MiB frames, 33 MiB payloads (an NBD write of 32 MiB plus its header), 65536 records. */
  public static final WireLimits DEFAULT = new WireLimits(64 << 20, 33 << 20, 65536);

  public WireLimits {
    if (maxFrameBytes < 1024 || maxPayloadBytes < 1 || maxPayloadBytes > maxFrameBytes) {
      throw new IllegalArgumentException("inconsistent wire limits");
    }
    if (maxRecordsPerAppend < 1) {
      throw new IllegalArgumentException("maxRecordsPerAppend must be positive");
    }
  }
}
