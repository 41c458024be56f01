package io.doppel.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterDefinitionTest {
  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");
  static final NodeId W = new NodeId("w");
  static final LinkId NET = new LinkId("net");
  static final ResourceId R = ResourceId.export("home");

  static NodeSpec node(NodeId id, LinkId... links) {
    Map<LinkId, InetSocketAddress> m = new java.util.HashMap<>();
    for (LinkId l : links) {
      m.put(l, new InetSocketAddress("127.0.0.1", 7000));
    }
    return new NodeSpec(id, m);
  }

  @Test
  void quorumRules() {
    ClusterDefinition two =
        new ClusterDefinition(
            List.of(node(A, NET), node(B, NET)),
            Optional.empty(),
            List.of(new ResourceSpec(R, List.of(A, B), true)),
            ClusterTimings.defaults(),
            TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
    assertThat(two.voters(R)).containsExactly(A, B);
    assertThat(two.promoteQuorum(R)).isEqualTo(2);
    assertThat(two.renewQuorum(R)).isEqualTo(1);
    ClusterDefinition witnessed =
        new ClusterDefinition(
            List.of(node(A, NET), node(B, NET)),
            Optional.of(node(W, NET)),
            List.of(new ResourceSpec(R, List.of(A, B), true)),
            ClusterTimings.defaults(),
            TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
    assertThat(witnessed.voters(R)).containsExactly(A, B, W);
    assertThat(witnessed.promoteQuorum(R)).isEqualTo(2);
    assertThat(witnessed.renewQuorum(R)).isEqualTo(2);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    ClusterTimings bad =
        new ClusterTimings(
            Duration.ofMillis(200),
            Duration.ofMillis(300),
            0,
            Duration.ofMillis(300),
            Duration.ofMillis(100),
            Duration.ofMillis(-1));
    ClusterConfigException e =
        catchThrowableOfType(
            ClusterConfigException.class,
            () ->
                new ClusterDefinition(
                    List.of(node(A, NET), node(A, NET), node(B, new LinkId("other"))),
                    Optional.empty(),
                    List.of(new ResourceSpec(R, List.of(A, new NodeId("x"), A), false)),
                    bad,
                    TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS));
    assertThat(e.problems())
        .anyMatch(p -> p.contains("duplicate member id 'a'"))
        .anyMatch(p -> p.contains("share no link"))
        .anyMatch(p -> p.contains("unknown node 'x'"))
        .anyMatch(p -> p.contains("listed twice"))
        .anyMatch(p -> p.contains("suspect-timeout"))
        .anyMatch(p -> p.contains("presence-retries"))
        .anyMatch(p -> p.contains("lease-duration"))
        .anyMatch(p -> p.contains("startup-timeout"));
  }

  @Test
  void identifiersAreBounded() {
    assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new NodeId("a b")))
        .hasMessageContaining("whitespace");
    assertThat(
            catchThrowableOfType(IllegalArgumentException.class, () -> new NodeId("x".repeat(65))))
        .hasMessageContaining("longer than 64");
  }
}
