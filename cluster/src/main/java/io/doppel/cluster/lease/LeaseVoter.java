package io.doppel.cluster.lease;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.message.Message;
import io.doppel.cluster.message.Message.LeaseGrant;
import io.doppel.cluster.message.Message.LeaseRefuse;
import io.doppel.cluster.message.Message.LeaseRelease;
import io.doppel.cluster.message.Message.LeaseRequest;
import io.doppel.cluster.state.ResourceRoleState;
import io.doppel.cluster.state.RoleBook;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One member's vote on the leases of the resources it votes on (its own, or all even-sized ones for
 * the witness).
 *
 * <p>A grant is a promise: for one lease duration D from receipt of the request, measured on this
 * member's clock, grant no other holder anything. A new holder needs an epoch above every epoch
 * this voter ever promised; the promise is saved durably before the grant leaves. Renewals (same
 * epoch, same holder) are always granted. After a restart the in-memory expiry is gone, so for D +
 * drift no new holder is granted (an earlier promise may still run).
 */
public final class LeaseVoter {
  private final NodeId self;
  private final ClusterDefinition definition;
  private final RoleBook book;
  private final ClusterStats stats;
  private final Map<ResourceId, Long> expiresAt = new HashMap<>();
  // Resources whose recorded promise its holder released: nothing of ours can still run for them.
  private final Set<ResourceId> released = new HashSet<>();
  private final long quietUntilNanos;

  public LeaseVoter(
      NodeId self, ClusterDefinition definition, RoleBook book, ClusterStats stats, long nowNanos) {
    this.self = self;
    this.definition = definition;
    this.book = book;
    this.stats = stats;
    this.quietUntilNanos =
        nowNanos
            + definition.timings().leaseDurationNanos()
            + definition.timings().clockDriftNanos();
  }

  /** The grant or refusal for {@code req}, decided at {@code nowNanos} on this member's clock. */
  public Message decide(LeaseRequest req, long nowNanos) {
    ResourceId r = req.resource();
    if (!definition.voters(r).contains(self)
        || !definition.resource(r).nodes().contains(req.from())) {
      return refuse(req, ResourceRoleState.EMPTY);
    }
    ResourceRoleState s = book.get(r);
    boolean sameHolder = s.promisedTo().map(req.from()::equals).orElse(false);
    long lease = definition.timings().leaseDurationNanos();
    if (req.epoch().equals(s.promisedEpoch()) && sameHolder) {
      if (released.contains(r)) {
        return refuse(req, s); // a late renewal must not re-arm a promise its holder gave up
      }
      expiresAt.merge(r, nowNanos + lease, Math::max);
      return grant(req);
    }
    if (!req.epoch().isAfter(s.promisedEpoch())) {
      stats.stale();
      return refuse(req, s);
    }
    // The restart quiet period only matters if this voter ever promised anything: promises are
    // saved before they are given, so an empty record means no grant can still be running.
    // A release of the recorded promise ends the quiet period too: promises are given one after
    // the other, so the recorded one is the only one that could still run.
    boolean quiet =
        nowNanos < quietUntilNanos && s.promisedTo().isPresent() && !released.contains(r);
    if (!sameHolder && (promiseActive(r, nowNanos) || quiet)) {
      return refuse(req, s);
    }
    if (!book.update(r, st -> st.withPromise(req.epoch(), req.from()))) {
      return refuse(req, s); // not durable: a promise we could forget is no promise
    }
    expiresAt.put(r, nowNanos + lease);
    released.remove(r);
    return grant(req);
  }

  /**
   * The holder stepped down (it stopped believing before sending): its promise no longer blocks a
   * successor, even during the restart quiet period, and later renewals of that epoch are refused.
   */
  public void onRelease(LeaseRelease rel, long nowNanos) {
    ResourceRoleState s = book.get(rel.resource());
    if (rel.epoch().equals(s.promisedEpoch())
        && s.promisedTo().map(rel.from()::equals).orElse(false)) {
      expiresAt.remove(rel.resource());
      released.add(rel.resource());
    } else {
      stats.stale();
    }
  }

  /** True while this voter's promise for {@code r} may still be relied on by its holder. */
  public boolean promiseActive(ResourceId r, long nowNanos) {
    Long until = expiresAt.get(r);
    return until != null && nowNanos <= until;
  }

  public Epoch promisedEpoch(ResourceId r) {
    return book.get(r).promisedEpoch();
  }

  public Optional<NodeId> promisedTo(ResourceId r) {
    return book.get(r).promisedTo();
  }

  private LeaseGrant grant(LeaseRequest req) {
    stats.granted();
    return new LeaseGrant(self, req.resource(), req.epoch(), req.from(), req.requestId());
  }

  private LeaseRefuse refuse(LeaseRequest req, ResourceRoleState s) {
    stats.refused();
    return new LeaseRefuse(
        self, req.resource(), req.epoch(), req.requestId(), s.promisedEpoch(), s.promisedTo());
  }
}
