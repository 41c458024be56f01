package io.doppel.cluster;

import io.doppel.cluster.lease.Fencer;
import io.doppel.cluster.lease.PromotionGate;
import io.doppel.cluster.message.Message;
import io.doppel.cluster.state.RoleStateStore;
import java.io.IOException;
import java.util.random.RandomGenerator;

/**
 * The witness ({@code doppel witness}): a tiny member on a third machine that heartbeats and votes
 * on the leases of even-sized resources, breaking ties; it never holds a role.
 */
public final class WitnessAgent implements ClusterAgent {
  private final NodeAgent agent;

  public WitnessAgent(
      NodeId self,
      ClusterDefinition definition,
      Transport transport,
      EventSink events,
      ClusterStats stats,
      RandomGenerator random,
      RoleStateStore store,
      long nowNanos)
      throws IOException {
    if (!definition.isWitness(self)) {
      throw new IllegalArgumentException(self + " is not the witness of this cluster");
    }
    this.agent =
        new NodeAgent(
            self,
            definition,
            new NodeAgent.Wiring(
                transport, events, stats, random, store, Fencer.NONE, PromotionGate.ALWAYS),
            nowNanos);
  }

  @Override
  public NodeId self() {
    return agent.self();
  }

  @Override
  public int doWork(long nowNanos) {
    return agent.doWork(nowNanos);
  }

  @Override
  public void onMessage(NodeId from, LinkId link, Message message, long nowNanos) {
    agent.onMessage(from, link, message, nowNanos);
  }

  @Override
  public void shutdown(long nowNanos) {
    agent.shutdown(nowNanos);
  }

  /** The witness's promise for {@code resource}, for status and tests. */
  public Epoch promisedEpoch(ResourceId resource) {
    return agent.voter().promisedEpoch(resource);
  }
}
