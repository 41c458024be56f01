package io.doppel.server.node;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a node changes state: checks legality against {@link NodeState#predecessors()},
 * logs once, counts and timestamps. Thread-safe (start-up, a shutdown hook and the admin endpoint
 * may race).
 *
 * <p>Metrics: {@code doppel_node_state} (the state's code), {@code doppel_node_transitions_total}.
 */
public final class NodeLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycle.class);

  private final String node;
  private final InstantSource clock;
  private final Counter transitions;
  private final CountDownLatch ended = new CountDownLatch(1);
  private NodeState state = NodeState.NEW;
  private Instant since;

  public NodeLifecycle(String node, InstantSource clock, MetricRegistry metrics) {
    this.node = node;
    this.clock = clock;
    this.since = clock.instant();
    this.transitions =
        metrics.counter("doppel_node_transitions_total", "Node lifecycle transitions.");
    metrics.gauge(
        "doppel_node_state",
        "Node lifecycle state: 0 new, 1 starting, 2 running, 3 stopping, 4 stopped, 5 failed.",
        Map.of(),
        () -> state().code());
  }

  public synchronized NodeState state() {
    return state;
  }

  /** When the current state was entered. */
  public synchronized Instant since() {
    return since;
  }

  /**
   * Moves to {@code next}.
   *
   * @throws IllegalStateException when {@code next} may not follow the current state
   */
  public synchronized void moveTo(NodeState next, String reason) {
    if (!next.predecessors().contains(state)) {
      throw new IllegalStateException(
          "node " + node + ": illegal transition " + state + " -> " + next + " (" + reason + ")");
    }
    LOG.info("event=node_state node={} from={} to={} reason={}", node, state, next, reason);
    state = next;
    since = clock.instant();
    transitions.increment();
    if (next == NodeState.STOPPED || next == NodeState.FAILED) {
      ended.countDown();
    }
  }

  /** Moves to {@code next} only when legal now; returns whether it did. */
  public synchronized boolean tryMoveTo(NodeState next, String reason) {
    if (!next.predecessors().contains(state)) {
      return false;
    }
    moveTo(next, reason);
    return true;
  }

  /** Blocks until the node is STOPPED or FAILED. */
  public void awaitEnd() throws InterruptedException {
    ended.await();
  }
}
