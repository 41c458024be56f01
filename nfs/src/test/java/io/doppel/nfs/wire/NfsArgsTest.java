package io.doppel.nfs.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.fs.CreateMode;
import io.doppel.fs.FileType;
import io.doppel.fs.SetAttributes;
import io.doppel.fs.Stability;
import io.doppel.nfs.TestXdr;
import io.doppel.nfs.wire.NfsArgs.AccessArgs;
import io.doppel.nfs.wire.NfsArgs.CommitArgs;
import io.doppel.nfs.wire.NfsArgs.CreateArgs;
import io.doppel.nfs.wire.NfsArgs.DirOpArgs;
import io.doppel.nfs.wire.NfsArgs.HandleArgs;
import io.doppel.nfs.wire.NfsArgs.LinkArgs;
import io.doppel.nfs.wire.NfsArgs.MkdirArgs;
import io.doppel.nfs.wire.NfsArgs.MknodArgs;
import io.doppel.nfs.wire.NfsArgs.ReadArgs;
import io.doppel.nfs.wire.NfsArgs.ReadDirArgs;
import io.doppel.nfs.wire.NfsArgs.ReadDirPlusArgs;
import io.doppel.nfs.wire.NfsArgs.RenameArgs;
import io.doppel.nfs.wire.NfsArgs.SetAttrArgs;
import io.doppel.nfs.wire.NfsArgs.SymlinkArgs;
import io.doppel.nfs.wire.NfsArgs.WriteArgs;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NfsArgsTest {
  static final byte[] FH = {1, 2, 3, 4, 5};
  static final SetAttributes MODE =
      new SetAttributes(
          OptionalInt.of(0600),
          OptionalInt.empty(),
          OptionalInt.empty(),
          OptionalLong.empty(),
          io.doppel.fs.TimeChange.KEEP,
          io.doppel.fs.TimeChange.KEEP);

  interface Decode<A> {
    A decode(XdrDecoder in) throws XdrException;
  }

  static <A extends NfsArgs> A roundTrip(A args, Decode<A> decoder) throws XdrException {
    byte[] b = TestXdr.bytes(args::encode);
    XdrDecoder in = TestXdr.decoder(b);
    A back = decoder.decode(in);
    assertThat(in.remaining()).as("all bytes consumed").isZero();
    assertThat(TestXdr.bytes(back::encode)).as("re-encodes identically").isEqualTo(b);
    return back;
  }

  @Test
  void readArgsMatchRfcLayout() throws XdrException {
    byte[] b = TestXdr.bytes(new ReadArgs(FH, 0x10, 4096)::encode);
    assertThat(HexFormat.of().formatHex(b))
        .isEqualTo("00000005" + "0102030405000000" + "0000000000000010" + "00001000");
    ReadArgs back = roundTrip(new ReadArgs(FH, 1L << 40, 65536), ReadArgs::decode);
    assertThat(back.offset()).isEqualTo(1L << 40);
    assertThat(back.count()).isEqualTo(65536);
    assertThat(back.handle()).isEqualTo(FH);
  }

  @Test
  void everyArgsTypeRoundTrips() throws XdrException {
    DirOpArgs where = new DirOpArgs(FH, "name");
    roundTrip(new HandleArgs(FH), HandleArgs::decode);
    SetAttrArgs s =
        roundTrip(new SetAttrArgs(FH, MODE, Optional.of(7_000_000_001L)), SetAttrArgs::decode);
    assertThat(s.guardCtimeNanos()).contains(7_000_000_001L);
    assertThat(s.change()).isEqualTo(MODE);
    assertThat(roundTrip(where, DirOpArgs::decode).name()).isEqualTo("name");
    assertThat(roundTrip(new AccessArgs(FH, 0x3f), AccessArgs::decode).access()).isEqualTo(0x3f);
    CreateArgs ex =
        roundTrip(new CreateArgs(where, new CreateMode.Exclusive(-5)), CreateArgs::decode);
    assertThat(ex.how()).isEqualTo(new CreateMode.Exclusive(-5));
    assertThat(
            roundTrip(new CreateArgs(where, new CreateMode.Guarded(MODE)), CreateArgs::decode)
                .how())
        .isEqualTo(new CreateMode.Guarded(MODE));
    assertThat(roundTrip(new MkdirArgs(where, MODE), MkdirArgs::decode).attributes())
        .isEqualTo(MODE);
    assertThat(roundTrip(new SymlinkArgs(where, MODE, "../t"), SymlinkArgs::decode).target())
        .isEqualTo("../t");
    MknodArgs dev =
        roundTrip(new MknodArgs(where, FileType.CHAR_DEVICE, MODE, 1, 3), MknodArgs::decode);
    assertThat(dev.major()).isEqualTo(1);
    assertThat(dev.minor()).isEqualTo(3);
    roundTrip(new MknodArgs(where, FileType.FIFO, MODE, 0, 0), MknodArgs::decode);
    roundTrip(new MknodArgs(where, FileType.REGULAR, SetAttributes.NONE, 0, 0), MknodArgs::decode);
    RenameArgs r = roundTrip(new RenameArgs(where, new DirOpArgs(FH, "to")), RenameArgs::decode);
    assertThat(r.to().name()).isEqualTo("to");
    assertThat(roundTrip(new LinkArgs(FH, where), LinkArgs::decode).link().name())
        .isEqualTo("name");
    ReadDirArgs rd = roundTrip(new ReadDirArgs(FH, 9, -1, 4096), ReadDirArgs::decode);
    assertThat(rd.cookieVerifier()).isEqualTo(-1);
    ReadDirPlusArgs rdp =
        roundTrip(new ReadDirPlusArgs(FH, 9, 3, 512, 8192), ReadDirPlusArgs::decode);
    assertThat(rdp.dirCount()).isEqualTo(512);
    assertThat(rdp.maxCount()).isEqualTo(8192);
    assertThat(roundTrip(new CommitArgs(FH, 5, 6), CommitArgs::decode).count()).isEqualTo(6);
  }

  @Test
  void writeArgsCarryDataAndStability() throws XdrException {
    WriteArgs w =
        new WriteArgs(FH, 8, 3, Stability.DATA_SYNC, ByteBuffer.wrap(new byte[] {7, 8, 9}));
    WriteArgs back = roundTrip(w, WriteArgs::decode);
    assertThat(back.stable()).isEqualTo(Stability.DATA_SYNC);
    byte[] data = new byte[back.data().remaining()];
    back.data().duplicate().get(data);
    assertThat(data).containsExactly(7, 8, 9);
  }

  @Test
  void writeWithCountBeyondDataOrAboveWtmaxIsGarbage() {
    byte[] lying =
        TestXdr.bytes(
            out ->
                out.writeOpaque(FH).writeLong(0).writeInt(10).writeInt(0).writeOpaque(new byte[4]));
    assertThatThrownBy(() -> WriteArgs.decode(TestXdr.decoder(lying)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("count");
    byte[] huge =
        TestXdr.bytes(
            out ->
                out.writeOpaque(FH)
                    .writeLong(0)
                    .writeInt(0)
                    .writeInt(0)
                    .writeInt(NfsArgs.MAX_WRITE_BYTES + 1));
    assertThatThrownBy(() -> WriteArgs.decode(TestXdr.decoder(huge)))
        .isInstanceOf(XdrException.class);
    byte[] badStable =
        TestXdr.bytes(out -> out.writeOpaque(FH).writeLong(0).writeInt(0).writeInt(3).writeInt(0));
    assertThatThrownBy(() -> WriteArgs.decode(TestXdr.decoder(badStable)))
        .isInstanceOf(XdrException.class)
        .hasMessageContaining("stable_how");
  }

  @Test
  void handlesLongerThanFhsizeAreGarbage() {
    byte[] b = TestXdr.bytes(out -> out.writeOpaque(new byte[65]));
    assertThatThrownBy(() -> HandleArgs.decode(TestXdr.decoder(b)))
        .isInstanceOf(XdrException.class);
    byte[] hostile = TestXdr.bytes(out -> out.writeInt(Integer.MAX_VALUE));
    assertThatThrownBy(() -> DirOpArgs.decode(TestXdr.decoder(hostile)))
        .isInstanceOf(XdrException.class);
  }

  @Test
  void namesUpToTheWireBoundDecodeSoTheStoreCanSayNameTooLong() throws XdrException {
    String longName = "x".repeat(NfsArgs.MAX_WIRE_NAME_BYTES);
    DirOpArgs back = roundTrip(new DirOpArgs(FH, longName), DirOpArgs::decode);
    assertThat(back.name()).hasSize(NfsArgs.MAX_WIRE_NAME_BYTES);
    byte[] tooLong = TestXdr.bytes(new DirOpArgs(FH, longName + "x")::encode);
    assertThatThrownBy(() -> DirOpArgs.decode(TestXdr.decoder(tooLong)))
        .isInstanceOf(XdrException.class);
  }

  @Test
  void countsAboveTwoToThe31SaturateInsteadOfGoingNegative() throws XdrException {
    byte[] b = TestXdr.bytes(out -> out.writeOpaque(FH).writeLong(0).writeInt(-1));
    assertThat(ReadArgs.decode(TestXdr.decoder(b)).count()).isEqualTo(Integer.MAX_VALUE);
  }
}
