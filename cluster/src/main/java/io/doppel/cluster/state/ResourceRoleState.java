package io.doppel.cluster.state;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one member must remember about one resource across restarts.
 *
 * @param promisedEpoch the highest epoch this member, as a voter, granted (never goes back)
 * @param promisedTo the holder it granted {@code promisedEpoch} to
 * @param highestEpoch the highest epoch this member has seen for the resource
 * @param lastHolder who last held the resource, as far as this member knows
 * @param outOfDate nodes whose replica is known to be behind (set by replication)
 * @param waitForRecovery seed 003: this member took over from a failed partner that has not been
 *     seen since; on restart it does not wait for the partner
 */
public record ResourceRoleState(
    Epoch promisedEpoch,
    Optional<NodeId> promisedTo,
    Epoch highestEpoch,
    Optional<NodeId> lastHolder,
    Set<NodeId> outOfDate,
    boolean waitForRecovery) {

  public static final ResourceRoleState EMPTY =
      new ResourceRoleState(
          Epoch.ZERO, Optional.empty(), Epoch.ZERO, Optional.empty(), Set.of(), false);

  public ResourceRoleState {
    outOfDate = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(outOfDate));
    if (promisedEpoch.isAfter(highestEpoch)) {
      highestEpoch = promisedEpoch;
    }
  }

  public ResourceRoleState withPromise(Epoch epoch, NodeId holder) {
    return new ResourceRoleState(
        epoch,
        Optional.of(holder),
        Epoch.max(epoch, highestEpoch),
        lastHolder,
        outOfDate,
        waitForRecovery);
  }

  public ResourceRoleState withHolder(Epoch epoch, NodeId holder) {
    return new ResourceRoleState(
        promisedEpoch,
        promisedTo,
        Epoch.max(epoch, highestEpoch),
        Optional.of(holder),
        outOfDate,
        waitForRecovery);
  }

  public ResourceRoleState withHighest(Epoch epoch) {
    return new ResourceRoleState(
        promisedEpoch,
        promisedTo,
        Epoch.max(epoch, highestEpoch),
        lastHolder,
        outOfDate,
        waitForRecovery);
  }

  public ResourceRoleState withWaitForRecovery(boolean on) {
    return new ResourceRoleState(
        promisedEpoch, promisedTo, highestEpoch, lastHolder, outOfDate, on);
  }

  public ResourceRoleState withOutOfDate(Set<NodeId> nodes) {
    return new ResourceRoleState(
        promisedEpoch, promisedTo, highestEpoch, lastHolder, nodes, waitForRecovery);
  }
}
