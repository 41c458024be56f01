package io.doppel.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.replication.history.History;
import io.doppel.replication.history.TailClaim;
import io.doppel.replication.wire.ReplicationMessage.Hello;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A {@link Hello} carrying a former primary's {@link TailClaim} on the wire. */
class HelloTailCodecTest {
  private final MessageCodec codec = new MessageCodec(new WireLimits(1 << 16, 1 << 12, 64));
  private final Hello hello =
      new Hello(
          "vol",
          7,
          History.EMPTY.append(1, 1).append(1, 2),
          false,
          Optional.of(
              new TailClaim(
                  1,
                  List.of("b", "c"),
                  List.of(new TailClaim.Range(0, 4096), new TailClaim.Range(1 << 20, 8192)))));

  @Test
  void roundTripsAndEveryTruncationIsMalformed() throws Exception {
    byte[] bytes = codec.encode(hello);
    assertThat(codec.decode(ByteBuffer.wrap(bytes))).isEqualTo(hello);
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] part = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(part)))
          .as("cut at %d", cut)
          .isInstanceOf(MalformedMessageException.class);
    }
  }

  @Test
  void hostileRangeCountIsRefusedBeforeAllocating() {
    byte[] bytes = codec.encode(hello);
    // the range count is the i32 before the last two 16-byte ranges
    int countAt = bytes.length - 2 * 16 - 4;
    ByteBuffer.wrap(bytes).putInt(countAt, Integer.MAX_VALUE);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(bytes)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("range count");
  }

  @Test
  void aBadTailFlagOrNegativeRangeIsMalformed() {
    Hello plain = new Hello("vol", 7, History.EMPTY, false);
    byte[] bytes = codec.encode(plain);
    bytes[bytes.length - 1] = 5;
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(bytes)))
        .isInstanceOf(MalformedMessageException.class);
    byte[] tail = codec.encode(hello);
    ByteBuffer.wrap(tail).putLong(tail.length - 16, -1);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(tail)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void adjacentDirtyRegionsMergeIntoOneRange() {
    assertThat(TailClaim.ranges(new long[] {0, 1, 2, 5, 9}, 4096, 10 * 4096 - 100))
        .containsExactly(
            new TailClaim.Range(0, 3 * 4096),
            new TailClaim.Range(5 * 4096, 4096),
            new TailClaim.Range(9 * 4096, 4096 - 100));
  }
}
