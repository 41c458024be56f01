package io.doppel.replication.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.replication.history.History;
import io.doppel.replication.wire.ReplicationMessage.Ack;
import io.doppel.replication.wire.ReplicationMessage.Append;
import io.doppel.replication.wire.ReplicationMessage.CopyAck;
import io.doppel.replication.wire.ReplicationMessage.CopyChunk;
import io.doppel.replication.wire.ReplicationMessage.Hello;
import io.doppel.replication.wire.ReplicationMessage.Probe;
import io.doppel.replication.wire.ReplicationMessage.Refuse;
import io.doppel.replication.wire.ReplicationMessage.SyncDone;
import io.doppel.replication.wire.ReplicationMessage.SyncStart;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
  private final MessageCodec codec = new MessageCodec(new WireLimits(1 << 16, 1 << 12, 64));
  private final History history =
      new History(List.of(new History.Generation(1, 1), new History.Generation(3, 10)), 12);

  private List<ReplicationMessage> samples() {
    Record r1 = Record.of("vol", 3, 11, 7, new byte[] {1, 2, 3});
    Record r2 = Record.of("vol", 3, 12, 7, new byte[0]);
    return List.of(
        new Probe("vol", 3),
        new Hello("vol", 3, history, true),
        new Append("vol", 3, true, List.of(r1, r2)),
        new Ack("vol", 3, 12, 11),
        new Refuse("vol", 4, RefuseReason.GAP, 9),
        new SyncStart("vol", 3, 77),
        new CopyChunk("vol", 3, 77, 5, r1),
        new SyncDone("vol", 3, 77, 6, history),
        new CopyAck("vol", 3, 77, 6, true));
  }

  @Test
  void everyMessageRoundTrips() throws Exception {
    for (ReplicationMessage m : samples()) {
      assertThat(codec.decode(ByteBuffer.wrap(codec.encode(m)))).isEqualTo(m);
    }
  }

  @Test
  void everyTruncationIsMalformedNeverACrash() {
    for (ReplicationMessage m : samples()) {
      byte[] bytes = codec.encode(m);
      for (int cut = 0; cut < bytes.length; cut++) {
        byte[] part = Arrays.copyOf(bytes, cut);
        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(part)))
            .as("%s cut at %d", m.getClass().getSimpleName(), cut)
            .isInstanceOf(MalformedMessageException.class);
      }
    }
  }

  @Test
  void hostileLengthsAreRefusedBeforeAllocating() {
    byte[] bytes = codec.encode(new Append("vol", 3, false, List.of()));
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, Integer.MAX_VALUE);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(bytes)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("record count");
    byte[] chunk =
        codec.encode(new CopyChunk("vol", 3, 1, 0, Record.of("vol", 3, 1, 1, new byte[4])));
    // the payload length is the int just before the 4 payload bytes
    ByteBuffer.wrap(chunk).putInt(chunk.length - 8, 1 << 30);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(chunk)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("payload length");
    byte[] trailing = Arrays.copyOf(codec.encode(new Probe("vol", 1)), 20);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(trailing)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void unknownTypeAndReasonAreMalformed() {
    byte[] bytes = codec.encode(new Refuse("vol", 1, RefuseReason.GAP, 1));
    bytes[0] = 99;
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(bytes)))
        .isInstanceOf(MalformedMessageException.class);
    byte[] reason = codec.encode(new Refuse("vol", 1, RefuseReason.GAP, 1));
    ByteBuffer.wrap(reason).putInt(reason.length - 12, 42);
    assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(reason)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void checksumCoversHeaderAndPayload() {
    Record r = Record.of("vol", 3, 11, 7, new byte[] {1, 2, 3});
    assertThat(r.verify()).isTrue();
    assertThat(new Record("vol", 3, 12, 7, r.payload(), r.checksum()).verify()).isFalse();
    assertThat(new Record("vol", 2, 11, 7, r.payload(), r.checksum()).verify()).isFalse();
    assertThat(new Record("vol", 3, 11, 8, r.payload(), r.checksum()).verify()).isFalse();
    assertThat(new Record("vox", 3, 11, 7, r.payload(), r.checksum()).verify()).isFalse();
    assertThat(new Record("vol", 3, 11, 7, new byte[] {1, 2, 4}, r.checksum()).verify()).isFalse();
  }

  @Property(tries = 200)
  void appendsRoundTrip(
      @ForAll @IntRange(min = 0, max = 1 << 20) long firstSeq,
      @ForAll @Size(max = 8) List<@Size(max = 300) byte[]> payloads,
      @ForAll boolean sync)
      throws Exception {
    List<Record> records =
        java.util.stream.IntStream.range(0, payloads.size())
            .mapToObj(i -> Record.of("r", 5, firstSeq + i, i, payloads.get(i)))
            .toList();
    Append a = new Append("r", 5, sync, records);
    ReplicationMessage back = codec.decode(ByteBuffer.wrap(codec.encode(a)));
    assertThat(back).isEqualTo(a);
    assertThat(((Append) back).records()).allMatch(Record::verify);
  }
}
