package io.doppel.cluster.lease;

import io.doppel.cluster.NodeId;
import java.util.HashSet;
import java.util.Set;

/**
 * One batch of lease requests sent at {@code sentNanos} (holder's clock) for one epoch. A quorum of
 * grants for this round makes the lease valid until {@code sentNanos + D - drift}: every grant was
 * given at or after the send time, so every voter's promise outlives that moment.
 */
final class Round {
  final long sentNanos;
  final boolean promotion;
  final Set<NodeId> grants = new HashSet<>();
  final Set<NodeId> refusals = new HashSet<>();

  Round(long sentNanos, boolean promotion) {
    this.sentNanos = sentNanos;
    this.promotion = promotion;
  }
}
