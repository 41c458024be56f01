package io.doppel.replication.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class NodeEpochsTest {
  @Property
  void nextEpochIsGreaterAndUniquePerNode(
      @ForAll @LongRange(min = 0, max = 1L << 50) long seen,
      @ForAll @IntRange(min = 0, max = 255) int rankA,
      @ForAll @IntRange(min = 0, max = 255) int rankB) {
    long a = NodeEpochs.after(seen, rankA);
    long b = NodeEpochs.after(seen, rankB);
    assertThat(a).isGreaterThan(seen);
    assertThat(a == b).isEqualTo(rankA == rankB);
    assertThat(NodeEpochs.after(a, rankB)).isGreaterThan(a);
  }

  @Test
  void preferredNodeWinsATie() {
    // Both saw epoch 1 and take the next counter: the first listed node's epoch is the greater.
    assertThat(NodeEpochs.after(1, 0)).isGreaterThan(NodeEpochs.after(1, 1));
    assertThat(NodeEpochs.counter(NodeEpochs.after(1, 0))).isEqualTo(1);
    assertThat(NodeEpochs.counter(NodeEpochs.after(NodeEpochs.after(1, 0), 3))).isEqualTo(2);
  }

  @Test
  void rankOutsideTheByteIsRefused() {
    assertThatThrownBy(() -> NodeEpochs.after(0, 256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeEpochs.after(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
