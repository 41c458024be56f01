package io.doppel.replication.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.replication.history.Comparison.Relation;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HistoryTest {
  private static History build(long[][] epochRuns) {
    History h = History.EMPTY;
    long seq = 0;
    for (long[] run : epochRuns) {
      for (long i = 0; i < run[1]; i++) {
        h = h.append(run[0], ++seq);
      }
    }
    return h;
  }

  @Test
  void equalHistoriesAreInSync() {
    History a = build(new long[][] {{1, 5}, {2, 3}});
    assertThat(Comparison.compare(a, build(new long[][] {{1, 5}, {2, 3}})))
        .isEqualTo(new Comparison(Relation.EQUAL, 8));
  }

  @Test
  void aPrefixMakesTheLongerOneTheSource() {
    History longer = build(new long[][] {{1, 5}, {2, 3}});
    History shorter = build(new long[][] {{1, 5}, {2, 1}});
    assertThat(Comparison.compare(longer, shorter))
        .isEqualTo(new Comparison(Relation.LOCAL_AHEAD, 6));
    assertThat(Comparison.compare(shorter, longer))
        .isEqualTo(new Comparison(Relation.REMOTE_AHEAD, 6));
    assertThat(Comparison.compare(longer, History.EMPTY).relation())
        .isEqualTo(Relation.LOCAL_AHEAD);
  }

  @Test
  void writesInDifferentEpochsAfterACommonPointAreAFork() {
    // The old primary kept writing in epoch 1 up to seq 7; the new one wrote seq 6.. in epoch 2.
    History oldPrimary = build(new long[][] {{1, 7}});
    History newPrimary = build(new long[][] {{1, 5}, {2, 4}});
    assertThat(Comparison.compare(newPrimary, oldPrimary))
        .isEqualTo(new Comparison(Relation.DIVERGED, 5));
    // Even when the diverged one is shorter than the other's epoch boundary.
    History shortOld = build(new long[][] {{1, 6}});
    assertThat(Comparison.compare(newPrimary, shortOld).relation()).isEqualTo(Relation.DIVERGED);
    // A replica that stopped before the new epoch began is a plain prefix.
    assertThat(Comparison.compare(newPrimary, build(new long[][] {{1, 5}})).relation())
        .isEqualTo(Relation.LOCAL_AHEAD);
  }

  @Test
  void encodeDecodeRoundTripsAndRejectsHostileInput() {
    History h = build(new long[][] {{1, 2}, {4, 2}, {9, 1}});
    assertThat(History.decode(h.encode())).isEqualTo(h);
    byte[] hostile = h.encode();
    ByteBuffer.wrap(hostile).putInt(0, 1 << 30);
    assertThatThrownBy(() -> History.decode(hostile)).isInstanceOf(IllegalArgumentException.class);
    byte[] unordered = h.encode();
    ByteBuffer.wrap(unordered).putLong(4 + 16, 0); // second generation's epoch below the first
    assertThatThrownBy(() -> History.decode(unordered))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void truncateKeepsGenerationsUpToTheSeq() {
    History h = build(new long[][] {{1, 3}, {2, 3}});
    assertThat(h.truncate(3)).isEqualTo(build(new long[][] {{1, 3}}));
    assertThat(h.truncate(4).lastEpoch()).isEqualTo(2);
    assertThat(h.truncate(0)).isEqualTo(History.EMPTY);
    assertThatThrownBy(() -> h.append(1, 7)).isInstanceOf(IllegalArgumentException.class);
  }
}
