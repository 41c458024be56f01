package io.doppel.cluster.sim;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.ResourceSpec;
import io.doppel.cluster.lease.LeaseKeeper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The safety properties, checked after every simulated event (KRaft's {@code SingleLeader}):
 *
 * <ul>
 *   <li>at most one member believes it holds a valid lease for a resource at any real instant, and
 *       a new holder starts only after every other member's belief has ended;
 *   <li>no promotion without a quorum of grants, each backed by the voter's durable promise;
 *   <li>lease epochs of successive holders strictly increase; no member's epoch goes back, not even
 *       across a restart.
 * </ul>
 */
final class LeaseInvariants {
  /** One acquisition of a lease, on the global clock. */
  record Acquisition(long realNanos, NodeId node, ResourceId resource, Epoch epoch) {}

  private final SimCluster cluster;
  private final Map<String, Long> believedEnd = new HashMap<>();
  private final Map<String, Epoch> lastEpoch = new HashMap<>();
  private final Map<String, Epoch> heldEpoch = new HashMap<>();
  private final Map<ResourceId, Epoch> lastAcquiredEpoch = new HashMap<>();
  final List<Acquisition> acquisitions = new ArrayList<>();

  LeaseInvariants(SimCluster cluster) {
    this.cluster = cluster;
  }

  private static String key(NodeId n, ResourceId r) {
    return n + "/" + r;
  }

  /** When (global time) {@code n} last stopped, or will stop, believing it holds {@code r}. */
  long believedEnd(NodeId n, ResourceId r) {
    return believedEnd.getOrDefault(key(n, r), Long.MIN_VALUE);
  }

  void onCrash(SimCluster.Member m) {
    long now = cluster.now();
    for (ResourceSpec r : cluster.definition.resourcesOf(m.id)) {
      believedEnd.computeIfPresent(key(m.id, r.id()), (k, v) -> Math.min(v, now));
      heldEpoch.remove(key(m.id, r.id()));
    }
  }

  void check() {
    long now = cluster.now();
    for (ResourceSpec r : cluster.definition.resources()) {
      NodeId primary = null;
      for (SimCluster.Member m : cluster.members.values()) {
        if (m.agent == null || !r.nodes().contains(m.id)) {
          continue;
        }
        LeaseKeeper k = m.agent.keeperOf(r.id()).orElseThrow();
        checkEpochs(m, k);
        String key = key(m.id, r.id());
        if (!k.isPrimary(m.localNow())) {
          if (heldEpoch.remove(key) != null) {
            believedEnd.computeIfPresent(key, (kk, v) -> Math.min(v, now));
          }
          continue;
        }
        if (primary != null) {
          fail("two primaries for " + r.id() + ": " + primary + " and " + m.id);
        }
        primary = m.id;
        if (!k.epoch().equals(heldEpoch.get(key))) {
          onAcquire(m, k, r);
          heldEpoch.put(key, k.epoch());
        }
        long end = m.clock.firstRealAtOrAfter(k.validUntilNanos().orElseThrow());
        believedEnd.put(key, end);
      }
    }
  }

  private void onAcquire(SimCluster.Member m, LeaseKeeper k, ResourceSpec r) {
    long now = cluster.now();
    for (NodeId other : r.nodes()) {
      Long end = believedEnd.get(key(other, r.id()));
      if (!other.equals(m.id) && end != null && end > now) {
        fail(
            m.id
                + " acquired "
                + r.id()
                + "@"
                + k.epoch()
                + " while "
                + other
                + " believes its lease valid until "
                + end);
      }
    }
    Epoch prev = lastAcquiredEpoch.get(r.id());
    // With quorum promotion, epochs of successive holders strictly increase (quorums intersect).
    // A fenced single-vote promotion cannot know what the powered-off partner did meanwhile: there
    // replication's out-of-date tracking (PromotionGate) must keep a stale node from promoting.
    boolean quorumOnly =
        cluster.definition.twoNodePolicy() != io.doppel.cluster.TwoNodePolicy.PROMOTE_AFTER_FENCING;
    if (quorumOnly && prev != null && !k.epoch().isAfter(prev)) {
      fail(m.id + " acquired " + r.id() + " in epoch " + k.epoch() + " not after " + prev);
    }
    lastAcquiredEpoch.put(r.id(), k.epoch());
    checkQuorum(m, k, r);
    acquisitions.add(new Acquisition(now, m.id, r.id(), k.epoch()));
  }

  private void checkQuorum(SimCluster.Member m, LeaseKeeper k, ResourceSpec r) {
    int needed = cluster.definition.promoteQuorum(r.id());
    boolean fencedPromotion = k.promotedBy().size() < needed;
    if (fencedPromotion) {
      NodeId partner = r.nodes().get(r.nodes().get(0).equals(m.id) ? 1 : 0);
      boolean allowed =
          cluster.definition.twoNodePolicy()
                  == io.doppel.cluster.TwoNodePolicy.PROMOTE_AFTER_FENCING
              && cluster.definition.isTwoNodeWithoutWitness(r.id())
              && k.promotedBy().size() == needed - 1
              && fencedRecently(cluster.member(partner));
      if (!allowed) {
        fail(m.id + " promoted for " + r.id() + " with grants " + k.promotedBy() + " < " + needed);
      }
    }
    for (NodeId v : k.promotedBy()) {
      var promise = cluster.member(v).store.load().get(r.id());
      if (promise.promisedEpoch().compareTo(k.epoch()) < 0) {
        fail(
            v
                + " counted as granting "
                + r.id()
                + "@"
                + k.epoch()
                + " but promised only "
                + promise.promisedEpoch());
      }
    }
  }

  /** The partner was powered off (by the fencer) within the last lease duration. */
  private boolean fencedRecently(SimCluster.Member partner) {
    long window = cluster.definition.timings().leaseDurationNanos();
    return !partner.up() || cluster.now() - partner.downSinceReal <= window;
  }

  private void checkEpochs(SimCluster.Member m, LeaseKeeper k) {
    String key = key(m.id, k.resource());
    Epoch before = lastEpoch.get(key);
    if (before != null && k.epoch().compareTo(before) < 0) {
      fail(m.id + " epoch of " + k.resource() + " went back from " + before + " to " + k.epoch());
    }
    lastEpoch.put(key, k.epoch());
    String vkey = "voter:" + key;
    Epoch promised = m.agent.voter().promisedEpoch(k.resource());
    Epoch vbefore = lastEpoch.get(vkey);
    if (vbefore != null && promised.compareTo(vbefore) < 0) {
      fail(m.id + " voter promise for " + k.resource() + " went back");
    }
    lastEpoch.put(vkey, promised);
  }

  private void fail(String what) {
    throw new InvariantViolation(
        "t=" + cluster.now() / SimCluster.MS + "ms " + what + " [" + cluster.describe() + "]");
  }

  /** A broken safety property, with the state of the cluster when it broke. */
  static final class InvariantViolation extends AssertionError {
    InvariantViolation(String message) {
      super(message);
    }
  }
}
