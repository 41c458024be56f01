package io.doppel.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.metrics.MetricRegistry;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class NodeLifecycleTest {
  private final MetricRegistry metrics = new MetricRegistry();
  private final NodeLifecycle lifecycle =
      new NodeLifecycle("n1", InstantSource.fixed(Instant.EPOCH), metrics);

  @Test
  void followsTheLegalPathAndExportsTheStateCode() throws InterruptedException {
    assertThat(metrics.scrape()).contains("doppel_node_state 0");
    lifecycle.moveTo(NodeState.STARTING, "test");
    lifecycle.moveTo(NodeState.RUNNING, "test");
    assertThat(metrics.scrape()).contains("doppel_node_state 2");
    lifecycle.moveTo(NodeState.STOPPING, "test");
    lifecycle.moveTo(NodeState.STOPPED, "test");
    lifecycle.awaitEnd();
    assertThat(lifecycle.state()).isEqualTo(NodeState.STOPPED);
    assertThat(metrics.scrape())
        .contains("doppel_node_state 4")
        .contains("doppel_node_transitions_total 4");
  }

  @Test
  void refusesIllegalTransitions() {
    assertThatThrownBy(() -> lifecycle.moveTo(NodeState.RUNNING, "skip"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NEW -> RUNNING");
    assertThat(lifecycle.tryMoveTo(NodeState.STOPPING, "not started")).isFalse();
    lifecycle.moveTo(NodeState.STARTING, "test");
    lifecycle.moveTo(NodeState.FAILED, "boom");
    assertThat(lifecycle.tryMoveTo(NodeState.STOPPING, "after failure")).isFalse();
    assertThat(lifecycle.state()).isEqualTo(NodeState.FAILED);
  }
}
