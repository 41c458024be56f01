package io.doppel.cluster.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.message.Message.Held;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
  static final NodeId A = new NodeId("node-a");
  static final ResourceId R = ResourceId.export("home");

  static List<Message> samples() {
    return List.of(
        new Message.Heartbeat(A, 42, 7, true, List.of(new Held(R, new Epoch(3)))),
        new Message.Heartbeat(A, -1, 0, false, List.of()),
        new Message.PresenceProbe(A, 99),
        new Message.PresenceReply(A, 99),
        new Message.Shutdown(A, 5),
        new Message.LeaseRequest(A, ResourceId.volume("vm1"), new Epoch(9), 1234),
        new Message.LeaseGrant(A, R, new Epoch(9), new NodeId("b"), 1234),
        new Message.LeaseRefuse(
            A, R, new Epoch(9), 1234, new Epoch(11), Optional.of(new NodeId("c"))),
        new Message.LeaseRefuse(A, R, new Epoch(9), 1234, Epoch.ZERO, Optional.empty()),
        new Message.LeaseRelease(A, R, new Epoch(2), Optional.of(new NodeId("b"))),
        new Message.LeaseRelease(A, R, new Epoch(2), Optional.empty()));
  }

  @Test
  void everyMessageRoundTrips() throws Exception {
    for (Message m : samples()) {
      byte[] b = MessageCodec.encode(m);
      assertThat(MessageCodec.decode(b, 0, b.length)).isEqualTo(m);
    }
  }

  @Test
  void decodesAtAnOffset() throws Exception {
    byte[] b = MessageCodec.encode(samples().get(0));
    byte[] padded = new byte[b.length + 10];
    System.arraycopy(b, 0, padded, 5, b.length);
    assertThat(MessageCodec.decode(padded, 5, b.length)).isEqualTo(samples().get(0));
  }

  @Test
  void everyTruncationAndEveryBitFlipIsRejected() {
    for (Message m : samples()) {
      byte[] b = MessageCodec.encode(m);
      for (int len = 0; len < b.length; len++) {
        int n = len;
        assertThatThrownBy(() -> MessageCodec.decode(b, 0, n)).isInstanceOf(CodecException.class);
      }
      for (int i = 0; i < b.length * 8; i++) {
        byte[] c = b.clone();
        c[i / 8] ^= (byte) (1 << (i % 8));
        assertThatThrownBy(() -> MessageCodec.decode(c, 0, c.length))
            .isInstanceOf(CodecException.class);
      }
    }
  }

  @Test
  void randomGarbageNeverCrashes() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] g = new byte[r.nextInt(0, 1600)];
      r.nextBytes(g);
      if (g.length > 3) {
        g[0] = (byte) 0xD0; // get past the magic sometimes
        g[1] = (byte) 0xC1;
        g[2] = 1;
      }
      assertThatThrownBy(() -> MessageCodec.decode(g, 0, g.length))
          .isInstanceOf(CodecException.class);
    }
  }

  @Test
  void oversizedHeartbeatIsRefusedAtEncode() {
    List<Held> many = new ArrayList<>();
    for (int i = 0; i <= MessageCodec.MAX_HELD; i++) {
      many.add(new Held(ResourceId.export("r" + i), new Epoch(i)));
    }
    assertThatThrownBy(() -> MessageCodec.encode(new Message.Heartbeat(A, 1, 1, false, many)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
