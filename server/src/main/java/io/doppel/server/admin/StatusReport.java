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
 * @param exports one entry per export
 */
public record StatusReport(
    String node,
    String version,
    String state,
    long uptimeSeconds,
    int nfsPort,
    int adminPort,
    List<ExportStatus> exports) {

  public StatusReport {
    exports = List.copyOf(exports);
  }

  /**
   * One export.
   *
   * @param lastAppliedSequence the store's replication position (last applied mutation)
   */
  public record ExportStatus(String path, int id, String directory, long lastAppliedSequence) {}
}
