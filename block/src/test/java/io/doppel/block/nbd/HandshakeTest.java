package io.doppel.block.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.MemoryVolume;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fixed-newstyle handshake through the production pipeline on an EmbeddedChannel. */
class HandshakeTest {
  private EmbeddedServer s;

  record Reply(int option, int type, byte[] data) {}

  @BeforeEach
  void connect() {
    s =
        new EmbeddedServer(
            1 << 20, new MemoryVolume("disk", 1 << 20, false), new MemoryVolume("ro", 65536, true));
    ByteBuf greeting = s.output();
    assertThat(greeting.readableBytes()).isEqualTo(18);
    assertThat(greeting.readLong()).isEqualTo(NbdWire.NBDMAGIC);
    assertThat(greeting.readLong()).isEqualTo(NbdWire.IHAVEOPT);
    assertThat(greeting.readShort())
        .isEqualTo((short) (NbdWire.FLAG_FIXED_NEWSTYLE | NbdWire.FLAG_NO_ZEROES));
  }

  private List<Reply> send(int option, byte[] data) {
    s.channel.writeInbound(ClientWire.option(option, data));
    return replies(s.output());
  }

  static List<Reply> replies(ByteBuf out) {
    List<Reply> list = new ArrayList<>();
    while (out.isReadable()) {
      assertThat(out.readLong()).isEqualTo(NbdWire.OPTION_REPLY_MAGIC);
      int option = out.readInt();
      int type = out.readInt();
      byte[] data = new byte[out.readInt()];
      out.readBytes(data);
      list.add(new Reply(option, type, data));
    }
    return list;
  }

  private void flags(int f) {
    s.channel.writeInbound(ClientWire.clientFlags(f));
  }

  @Test
  void unknownClientFlagsCloseTheConnection() {
    flags(4);
    assertThat(s.channel.isOpen()).isFalse();
    assertThat(s.stats.errors(NbdError.BAD_CLIENT_FLAGS)).isEqualTo(1);
  }

  @Test
  void badOptionMagicClosesTheConnection() {
    flags(3);
    s.channel.writeInbound(
        io.netty.buffer.Unpooled.buffer().writeLong(0x1234L).writeInt(7).writeInt(0));
    assertThat(s.channel.isOpen()).isFalse();
    assertThat(s.stats.errors(NbdError.BAD_OPTION_MAGIC)).isEqualTo(1);
  }

  @Test
  void listNamesEveryExportThenAcks() {
    flags(3);
    List<Reply> r = send(NbdWire.OPT_LIST, new byte[0]);
    assertThat(r).hasSize(3);
    assertThat(r.get(0).type()).isEqualTo(NbdWire.REP_SERVER);
    assertThat(new String(r.get(0).data(), 4, 4, StandardCharsets.UTF_8)).isEqualTo("disk");
    assertThat(new String(r.get(1).data(), 4, 2, StandardCharsets.UTF_8)).isEqualTo("ro");
    assertThat(r.get(2).type()).isEqualTo(NbdWire.REP_ACK);
    assertThat(send(NbdWire.OPT_LIST, new byte[1]).get(0).type())
        .isEqualTo(NbdWire.REP_ERR_INVALID);
  }

  @Test
  void infoDescribesTheExportAndStaysInHaggling() {
    flags(3);
    List<Reply> r =
        send(NbdWire.OPT_INFO, ClientWire.goData("ro", NbdWire.INFO_NAME, NbdWire.INFO_BLOCK_SIZE));
    assertThat(r).extracting(Reply::type).containsExactly(3, 3, 3, NbdWire.REP_ACK);
    ByteBuf export = io.netty.buffer.Unpooled.wrappedBuffer(r.get(0).data());
    assertThat(export.readShort()).isEqualTo((short) NbdWire.INFO_EXPORT);
    assertThat(export.readLong()).isEqualTo(65536);
    int tflags = export.readUnsignedShort();
    assertThat(tflags & NbdWire.TFLAG_READ_ONLY).isNotZero();
    assertThat(tflags & NbdWire.TFLAG_SEND_TRIM).isZero();
    assertThat(new String(r.get(1).data(), 2, 2, StandardCharsets.UTF_8)).isEqualTo("ro");
    ByteBuf bs = io.netty.buffer.Unpooled.wrappedBuffer(r.get(2).data());
    assertThat(bs.readShort()).isEqualTo((short) NbdWire.INFO_BLOCK_SIZE);
    assertThat(bs.readInt()).isEqualTo(1);
    assertThat(bs.readInt()).isEqualTo(4096);
    assertThat(bs.readInt()).isEqualTo(1 << 20);
    assertThat(s.channel.pipeline().get(HandshakeHandler.class)).isNotNull();
  }

  @Test
  void unknownExportMalformedGoAndUnknownOptionsAreRefused() {
    flags(3);
    assertThat(send(NbdWire.OPT_GO, ClientWire.goData("nope")).get(0).type())
        .isEqualTo(NbdWire.REP_ERR_UNKNOWN);
    assertThat(send(NbdWire.OPT_GO, new byte[] {0, 0, 0, 9, 1}).get(0).type())
        .isEqualTo(NbdWire.REP_ERR_INVALID);
    assertThat(send(NbdWire.OPT_STARTTLS, new byte[0]).get(0).type())
        .isEqualTo(NbdWire.REP_ERR_POLICY);
    assertThat(send(10, new byte[0]).get(0).type()).isEqualTo(NbdWire.REP_ERR_UNSUP);
    assertThat(send(0x7fff, new byte[3]).get(0).type()).isEqualTo(NbdWire.REP_ERR_UNSUP);
    assertThat(s.stats.errors(NbdError.UNKNOWN_EXPORT)).isEqualTo(1);
    assertThat(s.stats.errors(NbdError.OPTION_INVALID)).isEqualTo(1);
    assertThat(s.stats.errors(NbdError.OPTION_UNSUPPORTED)).isEqualTo(2);
    assertThat(s.channel.isOpen()).isTrue();
  }

  @Test
  void oversizedOptionIsSkippedWithoutBufferingAndAnsweredTooBig() {
    flags(3);
    ByteBuf header =
        io.netty.buffer.Unpooled.buffer()
            .writeLong(NbdWire.IHAVEOPT)
            .writeInt(NbdWire.OPT_GO)
            .writeInt(1 << 20);
    s.channel.writeInbound(header);
    for (int i = 0; i < 16; i++) {
      s.channel.writeInbound(io.netty.buffer.Unpooled.buffer(65536).writeZero(65536));
    }
    List<Reply> r = replies(s.output());
    assertThat(r).extracting(Reply::type).containsExactly(NbdWire.REP_ERR_TOO_BIG);
    // The stream is still in sync: the next option is answered.
    assertThat(send(NbdWire.OPT_STRUCTURED_REPLY, new byte[0]).get(0).type())
        .isEqualTo(NbdWire.REP_ACK);
  }

  @Test
  void abortIsAcknowledgedThenClosed() {
    flags(3);
    assertThat(send(NbdWire.OPT_ABORT, new byte[0]).get(0).type()).isEqualTo(NbdWire.REP_ACK);
    assertThat(s.channel.isOpen()).isFalse();
  }

  @Test
  void exportNameEntersTransmissionWithOrWithoutZeroes() {
    flags(1); // no NO_ZEROES: 124 zero bytes follow
    s.channel.writeInbound(ClientWire.option(NbdWire.OPT_EXPORT_NAME, "disk".getBytes()));
    ByteBuf out = s.output();
    assertThat(out.readableBytes()).isEqualTo(134);
    assertThat(out.readLong()).isEqualTo(1 << 20);
    assertThat(out.readUnsignedShort() & NbdWire.TFLAG_CAN_MULTI_CONN).isNotZero();
    assertThat(s.channel.pipeline().get(TransmissionHandler.class)).isNotNull();
  }

  @Test
  void exportNameOfAnUnknownExportCloses() {
    flags(3);
    s.channel.writeInbound(ClientWire.option(NbdWire.OPT_EXPORT_NAME, "nope".getBytes()));
    assertThat(s.channel.isOpen()).isFalse();
    assertThat(s.stats.errors(NbdError.UNKNOWN_EXPORT)).isEqualTo(1);
  }

  @Test
  void structuredReplyThenGoAdvertisesDf() {
    flags(3);
    assertThat(send(NbdWire.OPT_STRUCTURED_REPLY, new byte[0]).get(0).type())
        .isEqualTo(NbdWire.REP_ACK);
    List<Reply> r = send(NbdWire.OPT_GO, ClientWire.goData("disk"));
    assertThat(r.get(r.size() - 1).type()).isEqualTo(NbdWire.REP_ACK);
    ByteBuf export = io.netty.buffer.Unpooled.wrappedBuffer(r.get(0).data());
    export.skipBytes(10);
    assertThat(export.readUnsignedShort() & NbdWire.TFLAG_SEND_DF).isNotZero();
    assertThat(s.channel.pipeline().get(HandshakeDecoder.class)).isNull();
    assertThat(s.channel.pipeline().get(RequestDecoder.class)).isNotNull();
  }
}
