package io.doppel.cluster.message;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import java.util.List;
import java.util.Optional;

/**
 * Everything members say to each other, one datagram each ({@link MessageCodec}). Every message
 * names its sender; lease messages carry the resource and epoch so a stale one is refused. Handlers
 * switch over this hierarchy exhaustively, without {@code default}: a new message is a compile
 * error until every agent handles it.
 */
public sealed interface Message {
  /** The member that sent the message. */
  NodeId from();

  /** A resource the sender holds a valid lease for, advertised in its heartbeats. */
  record Held(ResourceId resource, Epoch epoch) {}

  /**
   * "I am alive" on one link (seed 003 "ping" heartbeat). {@code incarnation} changes on every
   * start so a restart is visible; {@code held} lists the leases the sender holds right now and
   * {@code maintenance} says it refuses roles.
   */
  record Heartbeat(NodeId from, long incarnation, long seq, boolean maintenance, List<Held> held)
      implements Message {
    public Heartbeat {
      held = List.copyOf(held);
    }
  }

  /** Seed 003's network presence check: "are you there?" over one path. */
  record PresenceProbe(NodeId from, long nonce) implements Message {}

  /** The answer to a {@link PresenceProbe}, echoing its nonce. */
  record PresenceReply(NodeId from, long nonce) implements Message {}

  /** Seed 003's graceful-shutdown heartbeat: the sender is going away on purpose. */
  record Shutdown(NodeId from, long incarnation) implements Message {}

  /** Asks a voter to grant (or renew) the lease of {@code resource} in {@code epoch}. */
  record LeaseRequest(NodeId from, ResourceId resource, Epoch epoch, long requestId)
      implements Message {}

  /** The voter promises {@code holder} the lease for one lease duration from receipt. */
  record LeaseGrant(NodeId from, ResourceId resource, Epoch epoch, NodeId holder, long requestId)
      implements Message {}

  /**
   * The voter refuses; {@code promised} is the highest epoch it has promised and {@code promisedTo}
   * its holder, so the requester learns the newer epoch (and who to leave alone).
   */
  record LeaseRefuse(
      NodeId from,
      ResourceId resource,
      Epoch epoch,
      long requestId,
      Epoch promised,
      Optional<NodeId> promisedTo)
      implements Message {}

  /**
   * The holder of {@code epoch} has stopped acting as primary and frees the voters' promises; it
   * names a {@code successor} on a planned handover (failback, manual failover, shutdown).
   */
  record LeaseRelease(NodeId from, ResourceId resource, Epoch epoch, Optional<NodeId> successor)
      implements Message {}
}
