package io.doppel.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole cluster as configured: members with their links, an optional witness (a voter only),
 * resources with ordered node lists, timings and the two-node policy. Validated as a whole at
 * construction (STYLE.md: {@code Context.conclude()}); every problem is reported at once.
 *
 * <p>Voters of a resource are its nodes, plus the witness when the node count is even (so the voter
 * count is odd). Promotion needs a majority of voters; so does renewal, except for a two-node
 * resource without a witness, where the holder renews on its own vote and promotion needs both
 * votes (seed 004), or one vote after fencing under {@link TwoNodePolicy#PROMOTE_AFTER_FENCING}.
 */
public record ClusterDefinition(
    List<NodeSpec> nodes,
    Optional<NodeSpec> witness,
    List<ResourceSpec> resources,
    ClusterTimings timings,
    TwoNodePolicy twoNodePolicy) {

  public ClusterDefinition {
    nodes = List.copyOf(nodes);
    resources = List.copyOf(resources);
    List<String> problems = new ArrayList<>();
    checkMembers(nodes, witness, problems);
    checkResources(nodes, resources, problems);
    checkTimings(timings, problems);
    if (twoNodePolicy == null) {
      problems.add("twoNodePolicy is required");
    }
    if (!problems.isEmpty()) {
      throw new ClusterConfigException(problems);
    }
  }

  private static void checkMembers(
      List<NodeSpec> nodes, Optional<NodeSpec> witness, List<String> problems) {
    if (nodes.isEmpty()) {
      problems.add("nodes: at least one node is required");
    }
    Set<NodeId> seen = new HashSet<>();
    List<NodeSpec> all = new ArrayList<>(nodes);
    witness.ifPresent(all::add);
    for (NodeSpec n : all) {
      if (!seen.add(n.id())) {
        problems.add("nodes: duplicate member id '" + n.id() + "'");
      }
      if (n.links().isEmpty()) {
        problems.add("nodes." + n.id() + ".links: at least one link address is required");
      }
    }
    for (NodeSpec a : all) {
      for (NodeSpec b : all) {
        if (a != b && a.id().compareTo(b.id()) < 0 && shared(a, b).isEmpty()) {
          problems.add("links: members '" + a.id() + "' and '" + b.id() + "' share no link");
        }
      }
    }
  }

  private static void checkResources(
      List<NodeSpec> nodes, List<ResourceSpec> resources, List<String> problems) {
    Set<NodeId> known = new HashSet<>();
    nodes.forEach(n -> known.add(n.id()));
    Set<ResourceId> seen = new HashSet<>();
    for (ResourceSpec r : resources) {
      String key = "resources." + r.id();
      if (!seen.add(r.id())) {
        problems.add(key + ": duplicate resource");
      }
      if (r.nodes().isEmpty()) {
        problems.add(key + ".nodes: at least one node is required");
      }
      if (new HashSet<>(r.nodes()).size() != r.nodes().size()) {
        problems.add(key + ".nodes: a node is listed twice");
      }
      for (NodeId n : r.nodes()) {
        if (!known.contains(n)) {
          problems.add(key + ".nodes: unknown node '" + n + "' (the witness cannot hold roles)");
        }
      }
    }
  }

  private static void checkTimings(ClusterTimings t, List<String> problems) {
    if (t == null) {
      problems.add("timings are required");
      return;
    }
    if (t.heartbeatIntervalNanos() <= 0) {
      problems.add("timings.heartbeat-interval: must be > 0");
    }
    if (t.suspectTimeoutNanos() < 2 * t.heartbeatIntervalNanos()) {
      problems.add("timings.suspect-timeout: must be at least two heartbeat intervals");
    }
    if (t.presenceRetries() < 1 || t.presenceRetries() > 100) {
      problems.add("timings.presence-retries: must be 1..100");
    }
    if (t.clockDriftNanos() < 0) {
      problems.add("timings.clock-drift: must be >= 0");
    }
    if (t.leaseDurationNanos() < 2 * t.heartbeatIntervalNanos() + 2 * t.clockDriftNanos()) {
      problems.add(
          "timings.lease-duration: must be >= 2 heartbeat intervals + 2 x clock-drift, so a"
              + " holder can renew before its lease runs out");
    }
    if (t.startupTimeoutNanos() < 0) {
      problems.add("timings.startup-timeout: must be >= 0 (0 waits forever)");
    }
  }

  /** The links both members define, in name order. */
  public static List<LinkId> shared(NodeSpec a, NodeSpec b) {
    List<LinkId> out = new ArrayList<>();
    for (LinkId l : a.links().keySet()) {
      if (b.links().containsKey(l)) {
        out.add(l);
      }
    }
    return out;
  }

  /** Every member: the nodes, then the witness. */
  public List<NodeSpec> members() {
    List<NodeSpec> all = new ArrayList<>(nodes);
    witness.ifPresent(all::add);
    return all;
  }

  public NodeSpec member(NodeId id) {
    return members().stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown member " + id));
  }

  public boolean isWitness(NodeId id) {
    return witness.map(w -> w.id().equals(id)).orElse(false);
  }

  public boolean hasResource(ResourceId id) {
    return resources.stream().anyMatch(r -> r.id().equals(id));
  }

  public ResourceSpec resource(ResourceId id) {
    return resources.stream()
        .filter(r -> r.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown resource " + id));
  }

  /** The resources {@code node} may hold, in definition order. */
  public List<ResourceSpec> resourcesOf(NodeId node) {
    return resources.stream().filter(r -> r.nodes().contains(node)).toList();
  }

  /** Resources the member votes on: its own, or for the witness every even-sized one. */
  public List<ResourceSpec> votedBy(NodeId member) {
    return resources.stream().filter(r -> voters(r.id()).contains(member)).toList();
  }

  /** The resource's nodes, plus the witness when their number is even. */
  public List<NodeId> voters(ResourceId id) {
    ResourceSpec r = resource(id);
    List<NodeId> v = new ArrayList<>(r.nodes());
    if (r.nodes().size() % 2 == 0) {
      witness.ifPresent(w -> v.add(w.id()));
    }
    return v;
  }

  /** True for the seed-004 case: exactly two voters, both of them nodes. */
  public boolean isTwoNodeWithoutWitness(ResourceId id) {
    return voters(id).size() == 2;
  }

  /** Grants needed to take the role in a new epoch. */
  public int promoteQuorum(ResourceId id) {
    return isTwoNodeWithoutWitness(id) ? 2 : voters(id).size() / 2 + 1;
  }

  /** Grants needed to keep the role in the current epoch. */
  public int renewQuorum(ResourceId id) {
    return isTwoNodeWithoutWitness(id) ? 1 : voters(id).size() / 2 + 1;
  }
}
