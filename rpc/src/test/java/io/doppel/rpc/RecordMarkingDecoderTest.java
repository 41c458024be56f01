package io.doppel.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecordMarkingDecoderTest {
  private static final int MAX = 4096;
  private final AtomicInteger oversize = new AtomicInteger();

  private EmbeddedChannel channel() {
    return new EmbeddedChannel(new RecordMarkingDecoder(MAX, oversize::incrementAndGet));
  }

  private static byte[] payload(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private static List<byte[]> drain(EmbeddedChannel ch) {
    List<byte[]> out = new ArrayList<>();
    ByteBuf b;
    while ((b = ch.readInbound()) != null) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      out.add(bytes);
    }
    return out;
  }

  @Test
  void recordSplitAtEveryBytePosition() {
    byte[] body = payload(40, 1);
    byte[] wire = TestRecords.fragment(body, true);
    for (int split = 0; split <= wire.length; split++) {
      EmbeddedChannel ch = channel();
      ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
      ch.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
      assertThat(drain(ch)).as("split at %d", split).containsExactly(body);
      assertThat(ch.finish()).isFalse();
    }
  }

  @Test
  void multiFragmentRecordSplitAtEveryBytePosition() {
    byte[] a = payload(9, 2);
    byte[] b = payload(0, 3);
    byte[] c = payload(13, 4);
    byte[] wire =
        TestRecords.concat(
            TestRecords.fragment(a, false),
            TestRecords.fragment(b, false),
            TestRecords.fragment(c, true));
    for (int split = 0; split <= wire.length; split++) {
      EmbeddedChannel ch = channel();
      ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, split));
      ch.writeInbound(Unpooled.wrappedBuffer(wire, split, wire.length - split));
      assertThat(drain(ch)).containsExactly(TestRecords.concat(a, b, c));
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void byteByByteDelivery() {
    byte[] r1 = payload(17, 5);
    byte[] r2 = payload(3, 6);
    byte[] wire =
        TestRecords.concat(
            TestRecords.fragment(r1, false),
            TestRecords.fragment(r2, true),
            TestRecords.fragment(r2, true));
    EmbeddedChannel ch = channel();
    for (byte x : wire) {
      ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {x}));
    }
    assertThat(drain(ch)).containsExactly(TestRecords.concat(r1, r2), r2);
  }

  @Test
  void pipelinedRecordsInOneBuffer() {
    List<byte[]> records = new ArrayList<>();
    List<byte[]> wire = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] r = payload(i * 3, i);
      records.add(r);
      wire.add(TestRecords.fragment(r, true));
    }
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.wrappedBuffer(TestRecords.concat(wire.toArray(byte[][]::new))));
    assertThat(drain(ch)).containsExactlyElementsOf(records);
  }

  @Test
  void zeroLengthLastFragmentGivesEmptyRecord() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.wrappedBuffer(TestRecords.fragment(new byte[0], true)));
    assertThat(drain(ch)).containsExactly(new byte[0]);
  }

  @Test
  void recordExactlyAtCapIsAccepted() {
    byte[] a = payload(MAX - 100, 7);
    byte[] b = payload(100, 8);
    EmbeddedChannel ch = channel();
    ch.writeInbound(
        Unpooled.wrappedBuffer(
            TestRecords.concat(TestRecords.fragment(a, false), TestRecords.fragment(b, true))));
    assertThat(drain(ch)).containsExactly(TestRecords.concat(a, b));
    assertThat(ch.isOpen()).isTrue();
    assertThat(oversize).hasValue(0);
  }

  @Test
  void oversizedFragmentHeaderClosesBeforeAllocating() {
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel ch = channel();
    ch.config().setAllocator(alloc);
    // Announces 2 GiB - 1, sends only the header and a few bytes.
    ch.writeInbound(
        Unpooled.wrappedBuffer(
            new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3}));
    assertThat(ch.isOpen()).isFalse();
    assertThat(oversize).hasValue(1);
    assertThat(drain(ch)).isEmpty();
    assertThat(alloc.largest.get()).isZero();
  }

  @Test
  void recordOverCapAcrossFragmentsIsRejectedAtTheHeaderThatCrossesIt() {
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel ch = channel();
    ch.config().setAllocator(alloc);
    byte[] first = TestRecords.fragment(payload(MAX - 10, 9), false);
    byte[] secondHeader = {0, 0, 0, 11}; // 11 more bytes would exceed the cap by one
    ch.writeInbound(Unpooled.wrappedBuffer(TestRecords.concat(first, secondHeader)));
    assertThat(ch.isOpen()).isFalse();
    assertThat(oversize).hasValue(1);
    assertThat(drain(ch)).isEmpty();
    assertThat(alloc.largestMax.get()).isLessThanOrEqualTo(MAX);
  }

  @Test
  void inputAfterOversizeIsDiscarded() {
    EmbeddedChannel ch = channel();
    byte[] oversizeHeader = {(byte) 0x80, 0x10, 0, 0};
    ch.writeInbound(
        Unpooled.wrappedBuffer(
            TestRecords.concat(oversizeHeader, TestRecords.fragment(payload(4, 1), true))));
    assertThat(ch.isOpen()).isFalse();
    assertThat(drain(ch)).isEmpty();
    assertThat(oversize).hasValue(1);
  }

  @Test
  void partialRecordIsReleasedWhenChannelCloses() {
    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel ch = channel();
    ch.config().setAllocator(alloc);
    byte[] wire = TestRecords.fragment(payload(100, 1), false);
    ch.writeInbound(Unpooled.wrappedBuffer(wire, 0, 50));
    RecordMarkingDecoder decoder = ch.pipeline().get(RecordMarkingDecoder.class);
    assertThat(decoder.state()).isEqualTo(RecordMarkingDecoder.State.FRAGMENT_BODY);
    assertThat(alloc.buffers).isNotEmpty();
    assertThat(ch.finish()).isFalse();
    assertThat(alloc.buffers).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  @Test
  void largeRecordInLargeReadsIsJoinedOnceAndReleasesItsReads() {
    int max = 1 << 20;
    EmbeddedChannel ch =
        new EmbeddedChannel(new RecordMarkingDecoder(max, oversize::incrementAndGet));
    byte[] first = payload(300_000, 5);
    byte[] second = payload(200_001, 6);
    byte[] wire =
        TestRecords.concat(TestRecords.fragment(first, false), TestRecords.fragment(second, true));
    // reads of 64 KiB (big enough to be kept as slices) and a tiny one (copied)
    List<ByteBuf> reads = new ArrayList<>();
    int pos = 0;
    int[] sizes = {65_536, 3, 65_536};
    for (int k = 0; pos < wire.length; k++) {
      int n = Math.min(sizes[k % sizes.length], wire.length - pos);
      ByteBuf read = Unpooled.directBuffer(n).writeBytes(wire, pos, n);
      reads.add(read);
      ch.writeInbound(read);
      pos += n;
    }
    assertThat(drain(ch)).containsExactly(TestRecords.concat(first, second));
    assertThat(reads).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    assertThat(ch.finish()).isFalse();
  }

  /** Records the largest capacity any buffer was allocated with. */
  static final class TrackingAllocator extends AbstractByteBufAllocator {
    final AtomicInteger largest = new AtomicInteger();
    final AtomicInteger largestMax = new AtomicInteger();
    final List<ByteBuf> buffers = new java.util.concurrent.CopyOnWriteArrayList<>();

    TrackingAllocator() {
      super(false);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      largest.accumulateAndGet(initialCapacity, Math::max);
      largestMax.accumulateAndGet(maxCapacity, Math::max);
      ByteBuf b = Unpooled.buffer(initialCapacity, maxCapacity);
      buffers.add(b);
      return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      return newHeapBuffer(initialCapacity, maxCapacity);
    }
  }
}
