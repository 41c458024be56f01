package io.doppel.cluster;

import java.util.List;

/**
 * A resource and its nodes in priority order: the first healthy node is the preferred primary (seed
 * 003 fig. 4 chains). With {@code failback} the role moves back to a better-ranked node once it has
 * been healthy (and in sync) for a while (seed 004's role negotiation).
 */
public record ResourceSpec(ResourceId id, List<NodeId> nodes, boolean failback) {
  public ResourceSpec {
    if (id == null || nodes == null) {
      throw new IllegalArgumentException("resource id and nodes are required");
    }
    nodes = List.copyOf(nodes);
  }

  /** Position of {@code node} in the priority list, or -1. */
  public int rank(NodeId node) {
    return nodes.indexOf(node);
  }
}
