package io.doppel.cluster.sim;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterTimings;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.NodeSpec;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.ResourceSpec;
import io.doppel.cluster.TwoNodePolicy;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cluster shapes the simulation runs (names appear in replay lines). */
enum Topology {
  /** Three nodes, two links, two resources with different preferred primaries, no witness. */
  THREE_NODES,
  /** Two nodes and a witness (the witness votes on both resources). */
  TWO_NODES_WITNESS,
  /** Two nodes, no witness, default policy (seed 004): never promote on total loss. */
  TWO_NODES,
  /** Two nodes, no witness, promotion allowed after fencing. */
  TWO_NODES_FENCING;

  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");
  static final NodeId C = new NodeId("c");
  static final NodeId W = new NodeId("w");
  static final LinkId NET = new LinkId("net");
  static final LinkId REPL = new LinkId("repl");
  static final ResourceId R1 = ResourceId.export("home");
  static final ResourceId R2 = ResourceId.volume("vm");

  ClusterDefinition definition() {
    return definition(ClusterTimings.defaults());
  }

  ClusterDefinition definition(ClusterTimings t) {
    return switch (this) {
      case THREE_NODES ->
          new ClusterDefinition(
              List.of(node(A), node(B), node(C)),
              Optional.empty(),
              List.of(
                  new ResourceSpec(R1, List.of(A, B, C), true),
                  new ResourceSpec(R2, List.of(C, B, A), false)),
              t,
              TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
      case TWO_NODES_WITNESS ->
          new ClusterDefinition(
              List.of(node(A), node(B)),
              Optional.of(node(W)),
              List.of(
                  new ResourceSpec(R1, List.of(A, B), true),
                  new ResourceSpec(R2, List.of(B, A), false)),
              t,
              TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
      case TWO_NODES ->
          new ClusterDefinition(
              List.of(node(A), node(B)),
              Optional.empty(),
              List.of(new ResourceSpec(R1, List.of(A, B), true)),
              t,
              TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
      case TWO_NODES_FENCING ->
          new ClusterDefinition(
              List.of(node(A), node(B)),
              Optional.empty(),
              List.of(new ResourceSpec(R1, List.of(A, B), false)),
              t,
              TwoNodePolicy.PROMOTE_AFTER_FENCING);
    };
  }

  static NodeSpec node(NodeId id) {
    InetSocketAddress unused = InetSocketAddress.createUnresolved(id.name(), 7000);
    return new NodeSpec(id, Map.of(NET, unused, REPL, unused));
  }
}
