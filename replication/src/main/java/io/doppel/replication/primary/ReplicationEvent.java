package io.doppel.replication.primary;

import io.doppel.replication.history.History;

/** What the primary side tells the node's event stream (SYSTEM.md: events, SNMP traps, hooks). */
public sealed interface ReplicationEvent {
  String resource();

  /** A replica changed state (OUT_OF_SYNC is a transition to LAGGING from IN_SYNC). */
  record StateChanged(
      String resource,
      String replica,
      ReplicaState from,
      ReplicaState to,
      String reason,
      long epoch)
      implements ReplicationEvent {}

  /** Histories fork: automatic resync refused until an operator chooses a survivor. */
  record SplitBrain(String resource, String replica, History local, History remote)
      implements ReplicationEvent {}

  /** A newer epoch exists: this primary stopped accepting writes. */
  record Fenced(String resource, long epoch, long newerEpoch) implements ReplicationEvent {}

  /** The replica needs a full copy but no copy source is configured: an operator must act. */
  record NeedsFullSync(String resource, String replica) implements ReplicationEvent {}
}
