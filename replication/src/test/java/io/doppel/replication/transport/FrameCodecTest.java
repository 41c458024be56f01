package io.doppel.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.WireLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing through EmbeddedChannel: split at every byte, merged, oversized, malformed. */
class FrameCodecTest {
  private final WireLimits limits = new WireLimits(4096, 1024, 16);
  private final TransportStats stats = new TransportStats(new MetricRegistry(), "test");

  private final List<ReplicationMessage> messages =
      List.of(
          new ReplicationMessage.Append(
              "vol", 2, true, List.of(Record.of("vol", 2, 7, 1, new byte[] {1, 2, 3}))),
          new ReplicationMessage.Ack("vol", 2, 7, 6),
          new ReplicationMessage.Hello("vol", 2, History.EMPTY.append(1, 1), false));

  private byte[] encodedStream() {
    EmbeddedChannel out = new EmbeddedChannel(new FrameEncoder(limits, stats));
    messages.forEach(out::writeOutbound);
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = out.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    all.release();
    return bytes;
  }

  private List<Object> decode(byte[] bytes, int splitAt) {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(limits, stats));
    in.writeInbound(Unpooled.wrappedBuffer(bytes, 0, splitAt));
    in.writeInbound(Unpooled.wrappedBuffer(bytes, splitAt, bytes.length - splitAt));
    List<Object> got = new ArrayList<>();
    for (Object m; (m = in.readInbound()) != null; ) {
      got.add(m);
    }
    return got;
  }

  @Test
  void mergedFramesSplitAtEveryByteDecodeToTheSameMessages() {
    byte[] bytes = encodedStream();
    for (int split = 0; split <= bytes.length; split++) {
      assertThat(decode(bytes, split)).as("split at %d", split).isEqualTo(messages);
    }
  }

  @Test
  void anOversizedLengthIsRefusedBeforeAllocating() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(limits, stats));
    ByteBuf hostile = Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeByte(1);
    assertThatThrownBy(() -> in.writeInbound(hostile)).isInstanceOf(DecoderException.class);
    assertThat(stats.malformedFrames()).isEqualTo(1);
  }

  @Test
  void aMalformedBodyIsRefusedAndCountedOnce() {
    EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder(limits, stats));
    ByteBuf bad = Unpooled.buffer().writeInt(12).writeByte(42).writeZero(11);
    assertThatThrownBy(() -> in.writeInbound(bad)).isInstanceOf(DecoderException.class);
    in.finish();
    assertThat(stats.malformedFrames()).isEqualTo(1);
  }
}
