package io.doppel.block.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Any request a client encodes is decoded to the same fields, however the bytes are chunked. */
class RequestRoundTripPropertyTest {

  @Property(tries = 300)
  void requestsRoundTrip(
      @ForAll @IntRange(min = 0, max = 0xffff) int flags,
      @ForAll @IntRange(min = 0, max = 8) int type,
      @ForAll long handle,
      @ForAll long offset,
      @ForAll @Size(max = 300) byte[] payload,
      @ForAll @IntRange(min = 0, max = 100000) int otherLength,
      @ForAll @IntRange(min = 1, max = 64) int chunk) {
    boolean write = type == NbdCommand.WRITE.code;
    long length = write ? payload.length : otherLength;
    ByteBuf wire = ClientWire.request(flags, type, handle, offset, length, write ? payload : null);
    byte[] bytes = ClientWire.bytes(wire);
    EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(1 << 20));
    for (int i = 0; i < bytes.length; i += chunk) {
      ch.writeInbound(
          io.netty.buffer.Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
    }
    RequestFrame.Request r = ch.readInbound();
    assertThat(r).isNotNull();
    assertThat(r.flags()).isEqualTo(flags);
    assertThat(r.type()).isEqualTo(type);
    assertThat(r.handle()).isEqualTo(handle);
    assertThat(r.offset()).isEqualTo(offset);
    assertThat(r.length()).isEqualTo(length);
    if (write) {
      assertThat(ClientWire.bytes(r.payload())).isEqualTo(payload);
      r.payload().release();
    } else {
      assertThat(r.payload()).isNull();
    }
    Object extra = ch.readInbound();
    assertThat(extra).isNull();
  }

  /**
   * Large writes, whether their payload is sliced from the socket buffers or copied, arrive intact
   * however the bytes are chunked; a payload split over several buffers keeps its order.
   */
  @Property(tries = 40)
  void largeWritePayloadsSurviveAnyChunking(
      @ForAll @IntRange(min = RequestDecoder.SLICE_MIN_BYTES - 8, max = 300_000) int length,
      @ForAll @IntRange(min = 1000, max = 700_000) int chunk,
      @ForAll long seed) {
    byte[] payload = new byte[length];
    new java.util.Random(seed).nextBytes(payload);
    byte[] one =
        ClientWire.bytes(ClientWire.request(0, NbdCommand.WRITE.code, 7, 4096, length, payload));
    byte[] bytes = new byte[one.length * 2];
    System.arraycopy(one, 0, bytes, 0, one.length);
    System.arraycopy(one, 0, bytes, one.length, one.length);
    EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(1 << 20));
    for (int i = 0; i < bytes.length; i += chunk) {
      ch.writeInbound(
          io.netty.buffer.Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
    }
    for (int k = 0; k < 2; k++) {
      RequestFrame.Request r = ch.readInbound();
      assertThat(r).isNotNull();
      assertThat(r.handle()).isEqualTo(7);
      assertThat(ClientWire.bytes(r.payload())).isEqualTo(payload);
      r.payload().release();
    }
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  /** A connection that closes mid-payload frees the half-filled write buffer. */
  @Property(tries = 50)
  void partialWritePayloadIsReleasedOnClose(@ForAll @IntRange(min = 1, max = 4095) int received) {
    io.netty.buffer.UnpooledByteBufAllocator alloc =
        new io.netty.buffer.UnpooledByteBufAllocator(true);
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAllocator(alloc);
    ch.pipeline().addLast(new RequestDecoder(1 << 20));
    byte[] bytes =
        ClientWire.bytes(ClientWire.request(0, NbdCommand.WRITE.code, 1, 0, 4096, new byte[4096]));
    ch.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(bytes, 0, 28 + received));
    assertThat(alloc.metric().usedDirectMemory()).isEqualTo(4096);
    Object frame = ch.readInbound();
    assertThat(frame).isNull();
    ch.finishAndReleaseAll();
    assertThat(alloc.metric().usedDirectMemory()).isZero();
  }
}
