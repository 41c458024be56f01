package io.doppel.cluster.sim;

import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.message.CodecException;
import io.doppel.cluster.message.Message;
import io.doppel.cluster.message.MessageCodec;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Datagrams between simulated members: seeded loss, duplication, delay (hence reordering), and
 * directional cuts per link. Every message goes through the real codec.
 */
final class SimNetwork {
  /** A one-way cut of {@code link} from {@code from} to {@code to}. */
  record Cut(NodeId from, NodeId to, LinkId link) {}

  interface Deliverer {
    void deliver(NodeId from, NodeId to, LinkId link, Message m);
  }

  private final SimScheduler scheduler;
  private final SplittableRandom random;
  private final Deliverer deliverer;
  private final Set<Cut> cuts = new HashSet<>();
  double lossRate;
  double duplicateRate = 0.02;
  long minDelayNanos = 100_000;
  long maxDelayNanos = 5_000_000;
  long sent;
  long delivered;

  SimNetwork(SimScheduler scheduler, SplittableRandom random, Deliverer deliverer) {
    this.scheduler = scheduler;
    this.random = random;
    this.deliverer = deliverer;
  }

  void cut(NodeId from, NodeId to, LinkId link) {
    cuts.add(new Cut(from, to, link));
  }

  void restore(NodeId from, NodeId to, LinkId link) {
    cuts.remove(new Cut(from, to, link));
  }

  void healAll() {
    cuts.clear();
  }

  Set<Cut> cuts() {
    return Set.copyOf(cuts);
  }

  void send(NodeId from, NodeId to, LinkId link, Message m) {
    sent++;
    byte[] bytes = MessageCodec.encode(m);
    if (cuts.contains(new Cut(from, to, link)) || random.nextDouble() < lossRate) {
      return;
    }
    int copies = random.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = minDelayNanos + random.nextLong(maxDelayNanos - minDelayNanos + 1);
      scheduler.after(delay, () -> arrive(from, to, link, bytes));
    }
  }

  private void arrive(NodeId from, NodeId to, LinkId link, byte[] bytes) {
    if (cuts.contains(new Cut(from, to, link))) {
      return; // cut while in flight
    }
    Message m;
    try {
      m = MessageCodec.decode(bytes, 0, bytes.length);
    } catch (CodecException e) {
      throw new AssertionError("codec round trip failed: " + e.getMessage(), e);
    }
    delivered++;
    deliverer.deliver(from, to, link, m);
  }
}
