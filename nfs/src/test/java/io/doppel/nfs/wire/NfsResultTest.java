package io.doppel.nfs.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.fs.DirEntry;
import io.doppel.fs.FsStats;
import io.doppel.fs.Stability;
import io.doppel.fs.Wcc;
import io.doppel.nfs.TestXdr;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class NfsResultTest {
  @Test
  void writeResultLayout() {
    byte[] b =
        TestXdr.bytes(
            out ->
                new NfsResult.WriteResult(null, 512, Stability.FILE_SYNC, 0x0102030405060708L)
                    .encode(out, 1));
    assertThat(HexFormat.of().formatHex(b))
        .isEqualTo("00000000" + "00000000" + "00000200" + "00000002" + "0102030405060708");
  }

  @Test
  void readDirResultIsALinkedListEndedByFalseThenEof() throws XdrException {
    List<DirEntry> entries =
        List.of(new DirEntry("a", 10, 100, null), new DirEntry("bcdef", 11, 101, null));
    byte[] b =
        TestXdr.bytes(out -> new NfsResult.ReadDirResult(null, 77, entries, true).encode(out, 1));
    XdrDecoder in = TestXdr.decoder(b);
    assertThat(in.readBoolean()).as("dir attributes").isFalse();
    assertThat(in.readLong()).isEqualTo(77);
    for (DirEntry e : entries) {
      assertThat(in.readBoolean()).isTrue();
      assertThat(in.readLong()).isEqualTo(e.fileId());
      assertThat(in.readString(255)).isEqualTo(e.name());
      assertThat(in.readLong()).isEqualTo(e.cookie());
    }
    assertThat(in.readBoolean()).isFalse();
    assertThat(in.readBoolean()).as("eof").isTrue();
    assertThat(in.remaining()).isZero();
  }

  @Test
  void createdResultHasPostOpHandleThenAttributesThenWcc() throws XdrException {
    byte[] fh = new byte[33];
    fh[0] = 1;
    Wcc dirWcc = new Wcc(Wcc.PreAttributes.of(AttrCodecTest.SAMPLE), AttrCodecTest.SAMPLE);
    byte[] b =
        TestXdr.bytes(
            out -> new NfsResult.CreatedResult(fh, AttrCodecTest.SAMPLE, dirWcc).encode(out, 1));
    XdrDecoder in = TestXdr.decoder(b);
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readOpaque(64)).isEqualTo(fh);
    assertThat(AttrCodec.readPostOp(in).fileId()).isEqualTo(42);
    assertThat(AttrCodec.readWcc(in).before().size()).isEqualTo(AttrCodecTest.SAMPLE.size());
    assertThat(in.remaining()).isZero();
  }

  @Test
  void fsStatAndPathConfLayouts() throws XdrException {
    byte[] b =
        TestXdr.bytes(
            out ->
                new NfsResult.FsStatResult(null, new FsStats(1, 2, 3, 4, 5, 6), 0).encode(out, 1));
    assertThat(b).hasSize(4 + 6 * 8 + 4);
    XdrDecoder in = TestXdr.decoder(b);
    in.readInt();
    for (long v = 1; v <= 6; v++) {
      assertThat(in.readLong()).isEqualTo(v);
    }
    byte[] pc =
        TestXdr.bytes(
            out ->
                new NfsResult.PathConfResult(null, 10, 255, true, true, false, true)
                    .encode(out, 1));
    assertThat(HexFormat.of().formatHex(pc))
        .isEqualTo(
            "00000000"
                + "0000000a"
                + "000000ff"
                + "00000001"
                + "00000001"
                + "00000000"
                + "00000001");
  }
}
