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
}
