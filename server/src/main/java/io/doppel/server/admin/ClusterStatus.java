package io.doppel.server.admin;

import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} section of {@code /status}: what this node believes about its peers and the
 * resources it may hold (issue 4: "nodes, links, resources, roles, epochs and lease remaining").
 *
 * @param self this member's name
 * @param witness true when this process is the witness
 * @param maintenance true while this node refuses roles
 * @param nodes one entry per peer
 * @param resources one entry per resource this node may hold
 */
public record ClusterStatus(
    String self,
    boolean witness,
    boolean maintenance,
    List<PeerStatus> nodes,
    List<ResourceStatus> resources) {

  public ClusterStatus {
    nodes = List.copyOf(nodes);
    resources = List.copyOf(resources);
  }

  /**
   * A peer as this node sees it.
   *
   * @param state UNKNOWN, ALIVE, SUSPECTED, PRESENCE_CHECK, FAILED or SHUT_DOWN
   * @param links link name to UNKNOWN, UP or SILENT
   */
  public record PeerStatus(String name, String state, Map<String, String> links) {
    public PeerStatus {
      links = Map.copyOf(links);
    }
  }

  /**
   * A resource.
   *
   * @param name e.g. {@code virtual_server:vs1}
   * @param role this node's role: FOLLOWER, CANDIDATE, FENCING, PRIMARY or MAINTENANCE
   * @param epoch the lease epoch while primary, else the highest seen
   * @param holder the node believed to hold the lease ("" when none is known)
   * @param leaseRemainingMs how long this node's lease still runs, 0 when it holds none
   * @param address the virtual address, "" when none
   * @param addressHeld true when this node carries the address now
   * @param waitForRecovery seed 003's persisted flag: this node took the resource over from a
   *     failed partner that has not been seen since (it clears when every node is back)
   * @param outOfDate the nodes whose replica this node's saved role state marks as behind
   */
  public record ResourceStatus(
      String name,
      String role,
      long epoch,
      String holder,
      long leaseRemainingMs,
      String address,
      boolean addressHeld,
      boolean waitForRecovery,
      List<String> outOfDate) {
    public ResourceStatus {
      outOfDate = outOfDate == null ? List.of() : List.copyOf(outOfDate); // older JSON lacks it
    }
  }
}
