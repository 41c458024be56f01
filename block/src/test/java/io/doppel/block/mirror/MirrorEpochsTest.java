package io.doppel.block.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class MirrorEpochsTest {
  @Property
  void nextEpochIsGreaterAndUniquePerNode(
      @ForAll @LongRange(min = 0, max = 1L << 50) long seen,
      @ForAll @IntRange(min = 0, max = 255) int rankA,
      @ForAll @IntRange(min = 0, max = 255) int rankB) {
    long a = MirrorEpochs.after(seen, rankA);
    long b = MirrorEpochs.after(seen, rankB);
    assertThat(a).isGreaterThan(seen);
    assertThat(a == b).isEqualTo(rankA == rankB);
    assertThat(MirrorEpochs.after(a, rankB)).isGreaterThan(a);
  }

  @Test
  void preferredNodeWinsATie() {
    // Both saw epoch 1 and take the next counter: the first listed node's epoch is the greater.
    assertThat(MirrorEpochs.after(1, 0)).isGreaterThan(MirrorEpochs.after(1, 1));
    assertThat(MirrorEpochs.counter(MirrorEpochs.after(1, 0))).isEqualTo(1);
    assertThat(MirrorEpochs.counter(MirrorEpochs.after(MirrorEpochs.after(1, 0), 3))).isEqualTo(2);
  }

  @Test
  void rankOutsideTheByteIsRefused() {
    assertThatThrownBy(() -> MirrorEpochs.after(0, 256))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MirrorEpochs.after(0, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
