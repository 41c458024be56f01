package io.doppel.cluster.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.ClusterStats;
import io.doppel.cluster.ClusterTimings;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.NodeSpec;
import io.doppel.cluster.TwoNodePolicy;
import io.doppel.cluster.message.Message;
import io.doppel.metrics.MetricRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The membership state machine on a manual clock (no threads, no sleeps). */
class MembershipAgentTest {
  static final long MS = 1_000_000L;
  static final NodeId A = new NodeId("a");
  static final NodeId B = new NodeId("b");
  static final LinkId NET = new LinkId("net");
  static final LinkId SERIAL = new LinkId("serial");

  record Sent(NodeId to, LinkId link, Message m) {}

  final List<Sent> sent = new ArrayList<>();
  final List<ClusterEvent> events = new ArrayList<>();
  final ClusterDefinition def =
      new ClusterDefinition(
          List.of(node(A), node(B)),
          Optional.empty(),
          List.of(),
          ClusterTimings.defaults(),
          TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
  final MembershipAgent agent =
      new MembershipAgent(
          A,
          def,
          (to, link, m) -> sent.add(new Sent(to, link, m)),
          events::add,
          new ClusterStats(new MetricRegistry()),
          new SplittableRandom(1),
          0,
          false);
  long now;

  static NodeSpec node(NodeId id) {
    InetSocketAddress x = InetSocketAddress.createUnresolved(id.name(), 1);
    return new NodeSpec(id, Map.of(NET, x, SERIAL, x));
  }

  Message.Heartbeat hb(long incarnation, long seq) {
    return new Message.Heartbeat(B, incarnation, seq, false, List.of());
  }

  /** Advances time in 10 ms steps; B beats every 200 ms on the given links. */
  void run(long millis, List<LinkId> bLinks) {
    for (long end = now + millis * MS; now < end; now += 10 * MS) {
      if (now % (200 * MS) == 0) {
        for (LinkId l : bLinks) {
          agent.onMessage(B, l, hb(7, now), now);
        }
      }
      agent.doWork(now);
    }
  }

  @Test
  void heartbeatsGoOutOnEveryLink() {
    run(1_000, List.of());
    assertThat(sent)
        .filteredOn(s -> s.m() instanceof Message.Heartbeat && s.link().equals(NET))
        .hasSizeBetween(5, 6);
    assertThat(sent)
        .filteredOn(s -> s.m() instanceof Message.Heartbeat && s.link().equals(SERIAL))
        .hasSizeBetween(5, 6);
  }

  @Test
  void oneSilentLinkIsALinkFaultNotAFailure() {
    run(1_000, List.of(NET, SERIAL));
    assertThat(agent.peerState(B)).isEqualTo(PeerState.ALIVE);
    run(3_000, List.of(NET));
    assertThat(events)
        .containsExactly(new ClusterEvent.NodeUp(A, B), new ClusterEvent.LinkFault(A, B, SERIAL));
    assertThat(agent.linkState(B, SERIAL)).isEqualTo(LinkState.SILENT);
    assertThat(agent.peerState(B)).isEqualTo(PeerState.ALIVE);
    run(500, List.of(NET, SERIAL));
    assertThat(events).endsWith(new ClusterEvent.LinkRestored(A, B, SERIAL));
  }

  @Test
  void silenceOnAllLinksRunsThePresenceCheckThenFails() {
    run(1_000, List.of(NET, SERIAL));
    sent.clear();
    run(1_050, List.of());
    assertThat(agent.peerState(B)).isEqualTo(PeerState.PRESENCE_CHECK);
    run(1_000, List.of());
    assertThat(agent.peerState(B)).isEqualTo(PeerState.FAILED);
    long probes = sent.stream().filter(s -> s.m() instanceof Message.PresenceProbe).count();
    assertThat(probes).isEqualTo(2L * def.timings().presenceRetries()); // every retry, every path
    assertThat(events)
        .containsExactly(new ClusterEvent.NodeUp(A, B), new ClusterEvent.NodeDown(A, B));
    assertThat(events)
        .noneMatch(e -> e instanceof ClusterEvent.LinkFault); // a crash is no cable fault
  }

  @Test
  void answeringAProbeSavesThePeer() {
    run(1_000, List.of(NET, SERIAL));
    run(1_050, List.of());
    agent.onMessage(B, SERIAL, new Message.PresenceReply(B, 1), now);
    assertThat(agent.peerState(B)).isEqualTo(PeerState.ALIVE);
    assertThat(events).noneMatch(e -> e instanceof ClusterEvent.NodeDown);
  }

  @Test
  void gracefulShutdownIsNoFailureAndANewIncarnationComesBack() {
    run(1_000, List.of(NET, SERIAL));
    agent.onMessage(B, NET, new Message.Shutdown(B, 7), now);
    agent.onMessage(B, SERIAL, hb(7, now + 1), now); // a straggler from before the goodbye
    run(5_000, List.of());
    assertThat(agent.peerState(B)).isEqualTo(PeerState.SHUT_DOWN);
    assertThat(events)
        .containsExactly(new ClusterEvent.NodeUp(A, B), new ClusterEvent.PartnerShutdown(A, B));
    agent.onMessage(B, NET, hb(8, 0), now);
    assertThat(agent.peerState(B)).isEqualTo(PeerState.ALIVE);
    assertThat(events).endsWith(new ClusterEvent.NodeUp(A, B));
  }

  @Test
  void startupTimeoutZeroWaitsForeverForASilentPartner() {
    run(60_000, List.of());
    assertThat(agent.peerState(B)).isEqualTo(PeerState.UNKNOWN);
    assertThat(events).isEmpty();
  }
}
