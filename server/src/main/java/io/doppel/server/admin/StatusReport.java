package io.doppel.server.admin;

import java.util.List;

/**
 * What {@code GET /status} returns (as JSON) and {@code doppel status} prints.
 *
 * @param node the node's name
 * @param version doppel's version
 * @param state the node's lifecycle state (e.g. RUNNING)
 * @param uptimeSeconds seconds since the node started
 * @param nfsPort where NFS and MOUNT listen
 * @param adminPort where this endpoint listens
 * @param nbdPort where the NBD server listens, -1 when it does not run
 * @param exports one entry per export
 * @param volumes one entry per block volume
 * @param cluster the cluster view, null when the node runs alone (no {@code [cluster]} section)
 */
public record StatusReport(
    String node,
    String version,
    String state,
    long uptimeSeconds,
    int nfsPort,
    int adminPort,
    int nbdPort,
    List<ExportStatus> exports,
    List<VolumeStatus> volumes,
    ClusterStatus cluster) {

  public StatusReport {
    exports = List.copyOf(exports);
    volumes = volumes == null ? List.of() : List.copyOf(volumes); // an older node sends none
  }

  /** A report without a cluster section. */
  public StatusReport(
      String node,
      String version,
      String state,
      long uptimeSeconds,
      int nfsPort,
      int adminPort,
      int nbdPort,
      List<ExportStatus> exports,
      List<VolumeStatus> volumes) {
    this(node, version, state, uptimeSeconds, nfsPort, adminPort, nbdPort, exports, volumes, null);
  }

  /**
   * One export.
   *
   * @param lastAppliedSequence the store's replication position (last applied mutation)
   */
  public record ExportStatus(String path, int id, String directory, long lastAppliedSequence) {}

  /**
   * One block volume served over NBD.
   *
   * @param path the image file or block device
   * @param mirror role, epoch, replicas, dirty bytes and resync progress; null when not mirrored
   */
  public record VolumeStatus(
      String name,
      long sizeBytes,
      boolean readOnly,
      String path,
      io.doppel.block.mirror.MirrorStatus mirror) {
    /** A volume that is not mirrored. */
    public VolumeStatus(String name, long sizeBytes, boolean readOnly, String path) {
      this(name, sizeBytes, readOnly, path, null);
    }
  }
}
