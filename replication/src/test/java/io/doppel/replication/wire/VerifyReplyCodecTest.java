package io.doppel.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.replication.wire.ReplicationMessage.VerifyReply;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The verify answer on the wire: round trips, truncation, hostile lengths and fuzzed frames. */
class VerifyReplyCodecTest {
  private final MessageCodec codec = new MessageCodec(new WireLimits(1 << 16, 1 << 12, 64));

  private static List<byte[]> digests(int count, int len) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] d = new byte[len];
      Arrays.fill(d, (byte) (i * 7 + 1));
      out.add(d);
    }
    return out;
  }

  @Test
  void roundTripsWithAndWithoutDigests() throws Exception {
    for (VerifyReply m :
        List.of(
            new VerifyReply("vol", 3, 42, digests(5, 32)),
            new VerifyReply("vol", 3, 1, List.of()),
            new VerifyReply("v", 9, Long.MAX_VALUE, digests(1, 64)))) {
      ReplicationMessage back = codec.decode(ByteBuffer.wrap(codec.encode(m)));
      assertThat(back).isEqualTo(m);
    }
    VerifyReply a = new VerifyReply("vol", 3, 42, digests(2, 32));
    List<byte[]> other = digests(2, 32);
    other.get(1)[31] ^= 1;
    assertThat(a).isNotEqualTo(new VerifyReply("vol", 3, 42, other));
  }

  @Test
  void everyTruncationIsMalformed() {
    byte[] bytes = codec.encode(new VerifyReply("vol", 3, 42, digests(3, 32)));
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] part = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(part)))
          .as("cut at %d", cut)
          .isInstanceOf(MalformedMessageException.class);
    }
  }

  @Test
  void hostileCountAndLengthAreRefusedBeforeAllocating() {
    // Layout after the resource and epoch: seq(8) count(4) digestLength(1) digests.
    int header = 1 + 1 + 3 + 8;
    byte[] bytes = codec.encode(new VerifyReply("vol", 3, 42, digests(2, 32)));
    ByteBuffer.wrap(bytes).putInt(header + 8, Integer.MAX_VALUE);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(bytes)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("digest count");
    byte[] negative = codec.encode(new VerifyReply("vol", 3, 42, digests(2, 32)));
    ByteBuffer.wrap(negative).putInt(header + 8, -1);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(negative)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("digest count");
    byte[] overLimit = codec.encode(new VerifyReply("vol", 3, 42, List.of()));
    ByteBuffer.wrap(overLimit).putInt(header + 8, VerifyReply.MAX_DIGESTS + 1);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(overLimit)))
        .isInstanceOf(MalformedMessageException.class);
    for (int len : new int[] {0, 65, 255}) {
      byte[] badLength = codec.encode(new VerifyReply("vol", 3, 42, digests(1, 32)));
      badLength[header + 12] = (byte) len;
      assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(badLength)))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("digest length");
    }
    byte[] trailing =
        Arrays.copyOf(codec.encode(new VerifyReply("vol", 3, 42, digests(1, 32))), 100);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(trailing)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("trailing");
  }

  @Test
  void constructorRefusesMixedOrOversizedDigests() {
    assertThatThrownBy(() -> new VerifyReply("v", 1, 1, List.of(new byte[32], new byte[16])))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VerifyReply("v", 1, 1, List.of(new byte[65])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Fuzz: mutated valid frames and random bytes decode to a message or a refusal, never a crash.
   */
  @Property(tries = 2000)
  void fuzzedFramesNeverCrashTheDecoder(
      @ForAll @Size(max = 200) byte[] noise,
      @ForAll @IntRange(min = 0, max = 8) int count,
      @ForAll @IntRange(min = 0, max = 400) int flipAt,
      @ForAll byte flipTo) {
    byte[] valid = codec.encode(new VerifyReply("vol", 3, 42, digests(count, 32)));
    byte[] mutated = valid.clone();
    mutated[flipAt % mutated.length] = flipTo;
    for (byte[] frame : List.of(noise, mutated, concat(valid, noise))) {
      try {
        ReplicationMessage m = codec.decode(ByteBuffer.wrap(frame));
        assertThat(m.resource()).isNotEmpty();
      } catch (MalformedMessageException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
