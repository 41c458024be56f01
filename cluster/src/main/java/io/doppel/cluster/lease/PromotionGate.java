package io.doppel.cluster.lease;

import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;

/**
 * Replication's say in who may hold a role: a node whose replica is out of date must not become
 * primary, and failback waits until the preferred node is in sync.
 */
@FunctionalInterface
public interface PromotionGate {
  boolean mayHold(ResourceId resource, NodeId node);

  PromotionGate ALWAYS = (r, n) -> true;
}
