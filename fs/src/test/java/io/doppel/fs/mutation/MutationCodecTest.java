package io.doppel.fs.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.fs.FileType;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class MutationCodecTest {

  static String name(Random r) {
    int n = 1 + r.nextInt(20);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append((char) (r.nextBoolean() ? 'a' + r.nextInt(26) : 0x400 + r.nextInt(200)));
    }
    return b.toString();
  }

  static Mutation mutation(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> new Mutation.CreateRoot(r.nextLong(), r.nextInt(), r.nextLong());
      case 1 -> {
        FileType type = FileType.values()[r.nextInt(FileType.values().length)];
        yield new Mutation.Create(
            r.nextLong(),
            name(r),
            r.nextLong(),
            type,
            r.nextLong(),
            r.nextInt(),
            r.nextInt(),
            r.nextInt(),
            r.nextInt(),
            r.nextLong(),
            r.nextInt(),
            r.nextInt(),
            r.nextBoolean() ? "" : name(r),
            r.nextBoolean() ? OptionalLong.of(r.nextLong()) : OptionalLong.empty(),
            r.nextLong(),
            r.nextLong(),
            r.nextLong());
      }
      case 2 ->
          new Mutation.SetAttributes(
              r.nextLong(),
              r.nextInt(),
              r.nextInt(),
              r.nextInt(),
              r.nextLong(),
              r.nextLong(),
              r.nextLong(),
              r.nextLong());
      case 3 -> {
        byte[] data = new byte[r.nextInt(3000)];
        r.nextBytes(data);
        yield new Mutation.Write(r.nextLong(), r.nextLong(), data, r.nextLong());
      }
      case 4 -> new Mutation.Remove(r.nextLong(), name(r), r.nextLong());
      case 5 -> new Mutation.RemoveDirectory(r.nextLong(), name(r), r.nextLong());
      case 6 ->
          new Mutation.Rename(
              r.nextLong(), name(r), r.nextLong(), name(r), r.nextLong(), r.nextLong());
      default -> new Mutation.Link(r.nextLong(), r.nextLong(), name(r), r.nextLong(), r.nextLong());
    };
  }

  @Property(tries = 500)
  void roundTrips(@ForAll long seed) throws Exception {
    Mutation m = mutation(new Random(seed));
    assertThat(MutationCodec.decode(MutationCodec.encode(m))).isEqualTo(m);
  }

  @Property(tries = 500)
  void anyCorruptedByteIsRejected(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 255) int flip, @ForAll int where) {
    byte[] bytes = MutationCodec.encode(mutation(new Random(seed)));
    int pos = Math.floorMod(where, bytes.length);
    bytes[pos] ^= (byte) flip;
    assertThatThrownBy(() -> MutationCodec.decode(bytes))
        .isInstanceOf(CorruptMutationException.class);
  }

  @Property(tries = 200)
  void truncatedBytesAreRejected(@ForAll long seed, @ForAll int where) {
    byte[] bytes = MutationCodec.encode(mutation(new Random(seed)));
    byte[] cut = Arrays.copyOf(bytes, Math.floorMod(where, bytes.length));
    assertThatThrownBy(() -> MutationCodec.decode(cut))
        .isInstanceOf(CorruptMutationException.class);
  }

  @Property(tries = 200)
  void logRecordsRoundTripWithWritesByReference(@ForAll long seed) throws Exception {
    Mutation m = mutation(new Random(seed));
    byte[] record = MutationCodec.encodeLogRecord(m);
    if (!(m instanceof Mutation.Write w)) {
      assertThat(record).isEqualTo(MutationCodec.encode(m));
      assertThat(MutationCodec.referencedBytes(record)).isZero();
      assertThat(MutationCodec.decodeLogRecord(record, (f, o, n) -> null)).isEqualTo(m);
      return;
    }
    assertThat(record.length).as("no payload in the log").isLessThan(40);
    assertThat(MutationCodec.referencedBytes(record)).isEqualTo(w.data().length);
    long[] asked = new long[3];
    Mutation back =
        MutationCodec.decodeLogRecord(
            record,
            (f, o, n) -> {
              asked[0] = f;
              asked[1] = o;
              asked[2] = n;
              return w.data().clone();
            });
    assertThat(back).isEqualTo(m);
    assertThat(asked).containsExactly(w.fileId(), w.offset(), w.data().length);
    assertThatThrownBy(() -> MutationCodec.decode(record))
        .as("the wire form never carries a reference")
        .isInstanceOf(CorruptMutationException.class);
  }
}
