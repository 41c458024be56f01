package io.doppel.nfs.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.fs.Attributes;
import io.doppel.fs.FileType;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.TimeChange;
import io.doppel.fs.Wcc;
import io.doppel.nfs.TestXdr;
import io.doppel.rpc.xdr.XdrException;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AttrCodecTest {
  static final Attributes SAMPLE =
      new Attributes(
          FileType.REGULAR,
          0100644, // type bits must not leak into fattr3.mode
          2,
          1000,
          100,
          0x1_0000_0001L,
          8192,
          0,
          0,
          42,
          7,
          1_700_000_000_123_456_789L,
          1_700_000_001_000_000_001L,
          1_700_000_002_999_999_999L);

  @Test
  void fattr3IsByteExactPerRfc1813() {
    byte[] b = TestXdr.bytes(out -> AttrCodec.writeFattr(out, SAMPLE, 5));
    String expected =
        "00000001" // NF3REG
            + "000001a4" // mode 0644
            + "00000002" // nlink
            + "000003e8" // uid 1000
            + "00000064" // gid 100
            + "0000000100000001" // size
            + "0000000000002000" // used
            + "0000000000000000" // rdev
            + "0000000000000005" // fsid = export id
            + "000000000000002a" // fileid 42
            + "6553f100"
            + "075bcd15" // atime 1700000000 s, 123456789 ns
            + "6553f101"
            + "00000001" // mtime
            + "6553f102"
            + "3b9ac9ff"; // ctime
    assertThat(HexFormat.of().formatHex(b)).isEqualTo(expected);
    assertThat(b).hasSize(AttrCodec.FATTR3_BYTES);
  }

  @Test
  void fattr3RoundTripsExceptGeneration() throws XdrException {
    byte[] b = TestXdr.bytes(out -> AttrCodec.writeFattr(out, SAMPLE, 5));
    Attributes back = AttrCodec.readFattr(TestXdr.decoder(b));
    assertThat(back)
        .usingRecursiveComparison()
        .ignoringFields("generation", "mode")
        .isEqualTo(SAMPLE);
    assertThat(back.mode()).isEqualTo(0644);
  }

  @Test
  void postOpAndWccEncodePresenceFlags() throws XdrException {
    assertThat(TestXdr.bytes(out -> AttrCodec.writePostOp(out, null, 1)))
        .containsExactly(0, 0, 0, 0);
    assertThat(TestXdr.bytes(out -> AttrCodec.writeWcc(out, null, 1)))
        .containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
    Wcc wcc = new Wcc(Wcc.PreAttributes.of(SAMPLE), SAMPLE);
    byte[] b = TestXdr.bytes(out -> AttrCodec.writeWcc(out, wcc, 1));
    assertThat(b).hasSize(4 + 24 + 4 + 84);
    Wcc back = AttrCodec.readWcc(TestXdr.decoder(b));
    assertThat(back.before()).isEqualTo(wcc.before());
    assertThat(back.after().fileId()).isEqualTo(42);
  }

  @Test
  void sattr3RoundTripsEveryArm() throws XdrException {
    SetAttributes s =
        new SetAttributes(
            OptionalInt.of(0755),
            OptionalInt.of(1),
            OptionalInt.empty(),
            OptionalLong.of(1L << 40),
            new TimeChange.ServerTime(),
            new TimeChange.ClientTime(5_000_000_007L));
    byte[] b = TestXdr.bytes(out -> AttrCodec.writeSattr(out, s));
    // mode(8) uid(8) gid(4) size(12) atime(4) mtime(4+8)
    assertThat(b).hasSize(8 + 8 + 4 + 12 + 4 + 12);
    assertThat(AttrCodec.readSattr(TestXdr.decoder(b))).isEqualTo(s);
    assertThat(
            AttrCodec.readSattr(
                TestXdr.decoder(TestXdr.bytes(o -> AttrCodec.writeSattr(o, SetAttributes.NONE)))))
        .isEqualTo(SetAttributes.NONE);
  }

  @Test
  void badDiscriminantsAreGarbage() {
    byte[] badTimeHow =
        TestXdr.bytes(out -> out.writeInt(0).writeInt(0).writeInt(0).writeInt(0).writeInt(3));
    assertThatThrownBy(() -> AttrCodec.readSattr(TestXdr.decoder(badTimeHow)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("time_how");
    byte[] badNanos = TestXdr.bytes(out -> out.writeInt(1).writeInt(1_000_000_000));
    assertThatThrownBy(() -> AttrCodec.readTime(TestXdr.decoder(badNanos)))
        .isInstanceOf(XdrException.class);
    assertThatThrownBy(() -> AttrCodec.fileType(8)).isInstanceOf(XdrException.class);
  }

  @Test
  void timesBeforeTheEpochDoNotProduceNegativeNanoseconds() throws XdrException {
    byte[] b = TestXdr.bytes(out -> AttrCodec.writeTime(out, 1_500_000_000L));
    assertThat(AttrCodec.readTime(TestXdr.decoder(b))).isEqualTo(1_500_000_000L);
    byte[] neg = TestXdr.bytes(out -> AttrCodec.writeTime(out, -1));
    assertThat(HexFormat.of().formatHex(neg)).isEqualTo("ffffffff" + "3b9ac9ff");
  }
}
