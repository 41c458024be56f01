package io.doppel.block.mirror;

import java.util.List;

/**
 * One mirrored volume as {@code /status} shows it.
 *
 * @param role this node's role for the volume
 * @param epoch the epoch the role is held in
 * @param lastSeq the last record seq this node applied
 * @param dirtyBytes bytes of dirty-map regions some replica may lack (primary; 0 on a backup)
 * @param resyncBytesCopied bytes read for resync copies since start (primary)
 * @param inconsistent a copy into this node's image is incomplete (backup)
 * @param replicas the backups as the primary sees them (empty on a backup)
 * @param fencedByEpoch a newer epoch that fenced this primary (it refuses writes), 0 when not
 */
public record MirrorStatus(
    String volume,
    VolumeRole role,
    long epoch,
    long lastSeq,
    long dirtyBytes,
    long resyncBytesCopied,
    boolean inconsistent,
    List<ReplicaView> replicas,
    long fencedByEpoch) {
  public MirrorStatus {
    replicas = List.copyOf(replicas);
  }

  /** A volume whose primary (if this node is) is not fenced. */
  public MirrorStatus(
      String volume,
      VolumeRole role,
      long epoch,
      long lastSeq,
      long dirtyBytes,
      long resyncBytesCopied,
      boolean inconsistent,
      List<ReplicaView> replicas) {
    this(volume, role, epoch, lastSeq, dirtyBytes, resyncBytesCopied, inconsistent, replicas, 0);
  }

  /**
   * One backup seen from the primary.
   *
   * @param state the replication state (IN_SYNC, LAGGING, CATCHING_UP, ...)
   * @param lagBytes bytes tracked as missing there
   * @param resyncBytesDone bytes copied in the current catch-up
   * @param resyncBytesTotal bytes known to be needed by the current catch-up
   */
  public record ReplicaView(
      String node,
      String state,
      long durableSeq,
      long lagBytes,
      long resyncBytesDone,
      long resyncBytesTotal) {}
}
