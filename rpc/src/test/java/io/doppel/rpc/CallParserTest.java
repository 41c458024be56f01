package io.doppel.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.rpc.ParsedCall.IgnoreReason;
import io.doppel.rpc.xdr.XdrDecoder;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallParserTest {

  private static ParsedCall parse(byte[] record) {
    return CallParser.parse(new XdrDecoder(Unpooled.wrappedBuffer(record)));
  }

  @Test
  void wellFormedAuthNoneCallLeavesReaderAtArgs() {
    byte[] record = TestRecords.call(42, 100003, 3, 1, new byte[] {1, 2, 3, 4});
    XdrDecoder in = new XdrDecoder(Unpooled.wrappedBuffer(record));
    assertThat(CallParser.parse(in))
        .isEqualTo(new ParsedCall.Call(42, 100003, 3, 1, new Credential.None()));
    assertThat(in.remaining()).isEqualTo(4);
  }

  @Test
  void authSysIsDecoded() {
    byte[] record =
        TestRecords.callWithCred(5, 1, TestRecords.sysBody(9, "host", 1000, 100, 4, 5, 6));
    assertThat(parse(record))
        .isEqualTo(
            new ParsedCall.Call(
                5, 7, 1, 0, new Credential.Sys(9, "host", 1000, 100, List.of(4, 5, 6))));
  }

  @Test
  void authSysWithSixteenGidsIsAccepted() {
    int[] gids = new int[16];
    byte[] record = TestRecords.callWithCred(5, 1, TestRecords.sysBody(1, "h", 0, 0, gids));
    assertThat(parse(record)).isInstanceOf(ParsedCall.Call.class);
  }

  @Test
  void authSysWithSeventeenGidsIsBadCred() {
    int[] gids = new int[17];
    byte[] record = TestRecords.callWithCred(5, 1, TestRecords.sysBody(1, "h", 0, 0, gids));
    assertRejected(parse(record), 5, new ReplyHeader.AuthError(1));
  }

  @Test
  void authSysWithLongMachineNameOrTrailingBytesIsBadCred() {
    byte[] longName = TestRecords.callWithCred(6, 1, TestRecords.sysBody(1, "x".repeat(256), 0, 0));
    assertRejected(parse(longName), 6, new ReplyHeader.AuthError(1));
    byte[] body = TestRecords.concat(TestRecords.sysBody(1, "h", 0, 0), new byte[4]);
    assertRejected(parse(TestRecords.callWithCred(7, 1, body)), 7, new ReplyHeader.AuthError(1));
    byte[] truncated = Arrays.copyOf(TestRecords.sysBody(1, "h", 0, 0, 1, 2), 20);
    assertRejected(
        parse(TestRecords.callWithCred(8, 1, truncated)), 8, new ReplyHeader.AuthError(1));
  }

  @Test
  void unsupportedFlavorIsBadCred() {
    assertRejected(
        parse(TestRecords.callWithCred(9, 6, new byte[8])), 9, new ReplyHeader.AuthError(1));
    assertRejected(
        parse(TestRecords.callWithCred(9, 3, new byte[0])), 9, new ReplyHeader.AuthError(1));
  }

  @Test
  void credentialOver400BytesIsBadCred() {
    assertRejected(
        parse(TestRecords.callWithCred(10, 0, new byte[404])), 10, new ReplyHeader.AuthError(1));
  }

  @Test
  void badVerifierIsBadVerf() {
    byte[] record =
        TestRecords.bytes(
            out -> {
              out.writeInt(11).writeInt(0).writeInt(2).writeInt(7).writeInt(1).writeInt(0);
              out.writeInt(0).writeInt(0);
              out.writeInt(0).writeInt(1000);
            });
    assertRejected(parse(record), 11, new ReplyHeader.AuthError(3));
  }

  @Test
  void wrongRpcVersionIsRpcMismatch() {
    byte[] record = TestRecords.bytes(out -> out.writeInt(12).writeInt(0).writeInt(3));
    assertRejected(parse(record), 12, new ReplyHeader.RpcMismatch(2, 2));
  }

  @Test
  void truncatedHeaderAfterXidIsGarbageArgs() {
    byte[] full = TestRecords.call(13, 1, 2, 3, new byte[0]);
    for (int len = 12; len < 24; len++) {
      assertRejected(parse(Arrays.copyOf(full, len)), 13, new ReplyHeader.GarbageArgs());
    }
    for (int len = 24; len < full.length; len++) {
      assertThat(parse(Arrays.copyOf(full, len))).isInstanceOf(ParsedCall.Rejected.class);
    }
  }

  @Test
  void tooShortReplyAndUnknownTypesAreIgnored() {
    for (int len = 0; len < 8; len++) {
      assertThat(parse(new byte[len])).isEqualTo(new ParsedCall.Ignored(IgnoreReason.SHORT));
    }
    assertThat(parse(TestRecords.bytes(out -> out.writeInt(1).writeInt(1).writeInt(0))))
        .isEqualTo(new ParsedCall.Ignored(IgnoreReason.REPLY_MESSAGE));
    assertThat(parse(TestRecords.bytes(out -> out.writeInt(1).writeInt(7))))
        .isEqualTo(new ParsedCall.Ignored(IgnoreReason.BAD_MESSAGE_TYPE));
  }

  private static void assertRejected(ParsedCall parsed, int xid, ReplyHeader header) {
    assertThat(parsed).isInstanceOf(ParsedCall.Rejected.class);
    ParsedCall.Rejected r = (ParsedCall.Rejected) parsed;
    assertThat(r.xid()).isEqualTo(xid);
    assertThat(r.header()).isEqualTo(header);
  }
}
