package io.doppel.rpc.xdr;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class XdrPropertiesTest {

  /** One XDR value of a random type. */
  sealed interface Value {
    record I(int v) implements Value {}

    record H(long v) implements Value {}

    record B(boolean v) implements Value {}

    record O(byte[] v) implements Value {}

    record F(byte[] v) implements Value {}

    record S(String v) implements Value {}
  }

  @Provide
  Arbitrary<List<Value>> values() {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(70);
    Arbitrary<Value> one =
        Arbitraries.oneOf(
            Arbitraries.integers().map(Value.I::new),
            Arbitraries.longs().map(Value.H::new),
            Arbitraries.of(true, false).map(Value.B::new),
            bytes.map(Value.O::new),
            bytes.map(Value.F::new),
            Arbitraries.strings().ofMaxLength(40).map(Value.S::new));
    return one.list().ofMaxSize(20);
  }

  @Property(tries = 300)
  void roundTrip(@ForAll("values") List<Value> values) throws XdrException {
    ByteBuf buf = Unpooled.buffer();
    XdrEncoder out = new XdrEncoder(buf);
    for (Value v : values) {
      switch (v) {
        case Value.I i -> out.writeInt(i.v());
        case Value.H h -> out.writeLong(h.v());
        case Value.B b -> out.writeBoolean(b.v());
        case Value.O o -> out.writeOpaque(o.v());
        case Value.F f -> out.writeFixedOpaque(f.v());
        case Value.S s -> out.writeString(s.v());
      }
    }
    assertThat(buf.readableBytes() % 4).isZero();
    XdrDecoder in = new XdrDecoder(buf);
    for (Value v : values) {
      switch (v) {
        case Value.I i -> assertThat(in.readInt()).isEqualTo(i.v());
        case Value.H h -> assertThat(in.readLong()).isEqualTo(h.v());
        case Value.B b -> assertThat(in.readBoolean()).isEqualTo(b.v());
        case Value.O o -> assertThat(in.readOpaque(70)).isEqualTo(o.v());
        case Value.F f -> assertThat(in.readFixedOpaque(f.v().length)).isEqualTo(f.v());
        case Value.S s -> assertThat(in.readString(1000)).isEqualTo(s.v());
      }
    }
    assertThat(in.remaining()).isZero();
  }

  @Property(tries = 200)
  void opaqueViewAndBufferEncodingAgree(@ForAll @Size(max = 50) byte[] data) throws XdrException {
    ByteBuf buf = Unpooled.buffer();
    new XdrEncoder(buf).writeOpaque(ByteBuffer.wrap(data)).writeInt(7);
    XdrDecoder in = new XdrDecoder(buf);
    ByteBuffer view = in.readOpaqueView(50);
    byte[] copy = new byte[view.remaining()];
    view.get(copy);
    assertThat(copy).isEqualTo(data);
    assertThat(in.readInt()).isEqualTo(7);
  }

  @Property(tries = 1000)
  void decodingRandomBytesOnlyThrowsXdrException(
      @ForAll @Size(max = 64) byte[] data,
      @ForAll @Size(max = 12) List<@net.jqwik.api.constraints.IntRange(max = 8) Integer> ops) {
    XdrDecoder in = new XdrDecoder(Unpooled.wrappedBuffer(data));
    try {
      for (int op : ops) {
        switch (op) {
          case 0 -> in.readInt();
          case 1 -> in.readLong();
          case 2 -> in.readBoolean();
          case 3 -> in.readOpaque(1 << 20);
          case 4 -> in.readFixedOpaque(data.length);
          case 5 -> in.readString(16);
          case 6 -> in.readOpaqueView(Integer.MAX_VALUE);
          case 7 -> in.skip(in.readInt());
          default -> in.readUnsignedInt();
        }
      }
    } catch (XdrException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
    assertThat(in.remaining()).isBetween(0, data.length);
  }

  @Property(tries = 100)
  void hostileLengthsFailBeforeAllocating(@ForAll int length) {
    ByteBuf buf = Unpooled.buffer().writeInt(length);
    XdrDecoder in = new XdrDecoder(buf);
    try {
      in.readOpaque(Integer.MAX_VALUE);
      assertThat(length).isZero();
    } catch (XdrException e) {
      assertThat(length).isNotZero();
    }
  }
}
