package io.doppel.cluster;

import java.util.List;

/**
 * What registered applications hear about (seed 003: MACHINE_FAILED, FAILOVER_NOT_CONFIGURED...).
 * Emitted by the agents to an {@link EventSink}; the server fans them out to the events socket,
 * hook scripts, SNMP traps and the log. {@code reporter} is the node that observed the event.
 */
public sealed interface ClusterEvent {
  NodeId reporter();

  /** Stable upper-case name for the socket, hooks and SNMP (e.g. {@code LINK_FAULT}). */
  default String type() {
    return getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
  }

  /** A peer became reachable (first contact, or back after failure or shutdown). */
  record NodeUp(NodeId reporter, NodeId node) implements ClusterEvent {}

  /** A peer stayed silent on every link and failed the presence check. */
  record NodeDown(NodeId reporter, NodeId node) implements ClusterEvent {}

  /** One link to a peer went silent while another still carries its heartbeats: no failover. */
  record LinkFault(NodeId reporter, NodeId node, LinkId link) implements ClusterEvent {}

  /** A faulty link carries heartbeats again. */
  record LinkRestored(NodeId reporter, NodeId node, LinkId link) implements ClusterEvent {}

  /** A peer announced a graceful shutdown: its roles move without a failure alarm. */
  record PartnerShutdown(NodeId reporter, NodeId node) implements ClusterEvent {}

  /** The reporter took over {@code takenOver} from the failed node {@code node}. */
  record MachineFailed(NodeId reporter, NodeId node, List<ResourceId> takenOver)
      implements ClusterEvent {
    public MachineFailed {
      takenOver = List.copyOf(takenOver);
    }
  }

  /** The primary of {@code resource} failed but policy forbids this node to take over. */
  record FailoverNotConfigured(NodeId reporter, ResourceId resource, NodeId primary)
      implements ClusterEvent {}

  /** This node's role for {@code resource} changed. */
  record RoleChanged(NodeId reporter, ResourceId resource, Role from, Role to, Epoch epoch)
      implements ClusterEvent {}

  /** This node's lease ran out before a quorum renewed it: it stopped accepting writes. */
  record LeaseLost(NodeId reporter, ResourceId resource, Epoch epoch) implements ClusterEvent {}

  /** Fewer voters of {@code resource} are reachable than a promotion needs. */
  record QuorumLost(NodeId reporter, ResourceId resource) implements ClusterEvent {}

  /** Enough voters of {@code resource} are reachable again. */
  record QuorumRegained(NodeId reporter, ResourceId resource) implements ClusterEvent {}

  /** The fencing hook did not confirm that {@code node} is off: no promotion. */
  record FencingFailed(NodeId reporter, ResourceId resource, NodeId node) implements ClusterEvent {}

  /**
   * A command that adds, announces or re-adds this node's virtual address of {@code resource}
   * failed (non-zero exit, timeout, or could not start). {@code action} is what the node did about
   * it: {@code retry} (keeps the role, tries again), {@code release_role} (handed the role to a
   * healthy successor) or {@code keep_role} (an announcement failed, or no successor can serve).
   *
   * @param operation {@code add}, {@code re_add} or {@code announce}
   * @param exitCode the command's exit status, -1 when it timed out or could not start
   * @param failures consecutive failed adds for this address (0 for an announcement)
   */
  record VipFailed(
      NodeId reporter,
      ResourceId resource,
      String address,
      String operation,
      int exitCode,
      boolean timedOut,
      int failures,
      String action)
      implements ClusterEvent {}
}
