package io.doppel.replication.primary;

import io.doppel.replication.track.ResyncProgress;

/**
 * A replica as {@code doppel status} shows it.
 *
 * @param lagBytes bytes tracked as missing there (0 when in sync)
 * @param stateSinceNanos when the current state was entered (the agent clock)
 */
public record ReplicaStatus(
    String replica,
    ReplicaState state,
    long receivedSeq,
    long durableSeq,
    long lagBytes,
    ResyncProgress progress,
    long stateSinceNanos) {}
