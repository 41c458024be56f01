package io.doppel.block.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.volume.MemoryVolume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Transmission-phase framing, validation and replies on an EmbeddedChannel. */
class TransmissionTest {
  private static final int MAX = 1 << 20;
  private final MemoryVolume disk = new MemoryVolume("disk", 4 << 20, false);
  private final MemoryVolume ro = new MemoryVolume("ro", 65536, true);

  /** A simple reply; data is present for successful reads. */
  record Simple(int error, long handle, byte[] data) {}

  private EmbeddedServer connect(String export, boolean structured) {
    EmbeddedServer s = new EmbeddedServer(MAX, disk, ro);
    s.channel.writeInbound(ClientWire.clientFlags(3));
    if (structured) {
      s.channel.writeInbound(ClientWire.option(NbdWire.OPT_STRUCTURED_REPLY, new byte[0]));
    }
    s.channel.writeInbound(ClientWire.option(NbdWire.OPT_GO, ClientWire.goData(export)));
    s.output().release();
    return s;
  }

  /** Parses simple replies; {@code readLengths} tells which handles carry read data. */
  static Map<Long, Simple> simpleReplies(ByteBuf out, Map<Long, Integer> readLengths) {
    Map<Long, Simple> replies = new LinkedHashMap<>();
    while (out.isReadable()) {
      assertThat(out.readInt()).isEqualTo(NbdWire.SIMPLE_REPLY_MAGIC);
      int error = out.readInt();
      long handle = out.readLong();
      byte[] data = new byte[error == 0 ? readLengths.getOrDefault(handle, 0) : 0];
      out.readBytes(data);
      replies.put(handle, new Simple(error, handle, data));
    }
    return replies;
  }

  private static ByteBuf req(int flags, NbdCommand c, long handle, long off, long len) {
    return ClientWire.request(flags, c.code, handle, off, len, null);
  }

  @Test
  void writeThenReadReturnsTheData() {
    EmbeddedServer s = connect("disk", false);
    byte[] data = new byte[8192];
    Arrays.fill(data, (byte) 9);
    s.channel.writeInbound(ClientWire.request(0, 1, 1, 4096, 8192, data));
    s.runWorkers();
    s.channel.writeInbound(req(0, NbdCommand.READ, 2, 4096, 8192));
    s.runWorkers();
    Map<Long, Simple> r = simpleReplies(s.output(), Map.of(2L, 8192));
    assertThat(r.get(1L).error()).isZero();
    assertThat(r.get(2L).data()).isEqualTo(data);
    assertThat(s.stats.writtenBytes()).isEqualTo(8192);
    assertThat(s.stats.readBytes()).isEqualTo(8192);
  }

  @Test
  void pipelinedRepliesComeInCompletionOrderMatchedByHandle() {
    EmbeddedServer s = connect("disk", false);
    disk.data()[0] = 5;
    s.channel.writeInbound(req(0, NbdCommand.READ, 10, 0, 1));
    s.channel.writeInbound(req(0, NbdCommand.FLUSH, 11, 0, 0));
    s.channel.writeInbound(req(0, NbdCommand.READ, 12, 1, 2));
    assertThat(s.queued).hasSize(3);
    java.util.Collections.reverse(s.queued);
    s.runWorkers();
    Map<Long, Simple> r = simpleReplies(s.output(), Map.of(10L, 1, 12L, 2));
    assertThat(r.keySet()).containsExactly(12L, 11L, 10L);
    assertThat(r.get(10L).data()).containsExactly(5);
    assertThat(disk.flushes).isEqualTo(1);
  }

  @Test
  void refusedRequestsGetTheSpecifiedErrorsAndTheStreamStaysInSync() {
    EmbeddedServer s = connect("disk", false);
    long size = disk.sizeBytes();
    s.channel.writeInbound(req(0, NbdCommand.READ, 1, size - 1, 2)); // EINVAL
    s.channel.writeInbound(ClientWire.request(0, 1, 2, size, 4, new byte[4])); // ENOSPC
    s.channel.writeInbound(ClientWire.request(0, 5, 3, 0, 0, null)); // CACHE: EINVAL
    s.channel.writeInbound(req(NbdWire.CMD_FLAG_NO_HOLE, NbdCommand.READ, 4, 0, 1)); // EINVAL
    s.channel.writeInbound(req(0, NbdCommand.READ, 5, 0, MAX + 1)); // over the cap: EINVAL
    s.channel.writeInbound(req(0, NbdCommand.TRIM, 6, size, 1)); // EINVAL
    s.channel.writeInbound(req(0, NbdCommand.READ, 7, -1L, 1)); // offset >= 2^63: EINVAL
    s.channel.writeInbound(req(0, NbdCommand.READ, 8, 0, 1)); // fine
    s.runWorkers();
    Map<Long, Simple> r = simpleReplies(s.output(), Map.of(8L, 1));
    assertThat(r.get(1L).error()).isEqualTo(22);
    assertThat(r.get(2L).error()).isEqualTo(28);
    assertThat(r.get(3L).error()).isEqualTo(22);
    assertThat(r.get(4L).error()).isEqualTo(22);
    assertThat(r.get(5L).error()).isEqualTo(22);
    assertThat(r.get(6L).error()).isEqualTo(22);
    assertThat(r.get(7L).error()).isEqualTo(22);
    assertThat(r.get(8L).error()).isZero();
    assertThat(s.stats.errors(NbdError.UNKNOWN_COMMAND)).isEqualTo(1);
    assertThat(s.stats.errors(NbdError.BAD_FLAGS)).isEqualTo(1);
    assertThat(s.stats.errors(NbdError.OUT_OF_RANGE)).isEqualTo(4);
    assertThat(s.stats.errors(NbdError.NO_SPACE)).isEqualTo(1);
  }

  @Test
  void readOnlyExportRefusesChangesWithEpermAfterConsumingThePayload() {
    EmbeddedServer s = connect("ro", false);
    s.channel.writeInbound(ClientWire.request(0, 1, 1, 0, 512, new byte[512]));
    s.channel.writeInbound(req(0, NbdCommand.TRIM, 2, 0, 512));
    s.channel.writeInbound(req(0, NbdCommand.WRITE_ZEROES, 3, 0, 512));
    s.channel.writeInbound(req(0, NbdCommand.READ, 4, 0, 16));
    s.runWorkers();
    Map<Long, Simple> r = simpleReplies(s.output(), Map.of(4L, 16));
    assertThat(r.get(1L).error()).isEqualTo(1);
    assertThat(r.get(2L).error()).isEqualTo(1);
    assertThat(r.get(3L).error()).isEqualTo(1);
    assertThat(r.get(4L).error()).isZero();
    assertThat(s.stats.errors(NbdError.READ_ONLY)).isEqualTo(3);
  }

  @Test
  void oversizedWriteClosesBeforeAllocating() {
    EmbeddedServer s = connect("disk", false);
    s.channel.writeInbound(ClientWire.request(0, 1, 1, 0, MAX + 1L, null));
    assertThat(s.channel.isOpen()).isFalse();
    assertThat(s.queued).isEmpty();
    assertThat(s.stats.errors(NbdError.REQUEST_TOO_LONG)).isEqualTo(1);
  }

  @Test
  void badRequestMagicCloses() {
    EmbeddedServer s = connect("disk", false);
    ByteBuf bad = req(0, NbdCommand.READ, 1, 0, 1);
    bad.setInt(0, 0xdeadbeef);
    s.channel.writeInbound(bad);
    assertThat(s.channel.isOpen()).isFalse();
    assertThat(s.stats.errors(NbdError.BAD_REQUEST_MAGIC)).isEqualTo(1);
  }

  @Test
  void structuredReadsUseOneDataChunkAndStructuredErrors() {
    EmbeddedServer s = connect("disk", true);
    disk.data()[100] = 42;
    s.channel.writeInbound(req(NbdWire.CMD_FLAG_DF, NbdCommand.READ, 1, 100, 3));
    s.channel.writeInbound(req(0, NbdCommand.READ, 2, disk.sizeBytes(), 3));
    s.runWorkers();
    ByteBuf out = s.output();
    // The refusal is answered at once on the event loop; the read completes later.
    assertThat(out.readInt()).isEqualTo(NbdWire.STRUCTURED_REPLY_MAGIC);
    assertThat(out.readShort()).isEqualTo((short) NbdWire.REPLY_FLAG_DONE);
    assertThat(out.readUnsignedShort()).isEqualTo(NbdWire.REPLY_TYPE_ERROR);
    assertThat(out.readLong()).isEqualTo(2);
    int length = out.readInt();
    assertThat(out.readInt()).isEqualTo(22);
    assertThat(out.readUnsignedShort()).isEqualTo(length - 6);
    out.skipBytes(length - 6);
    assertThat(out.readInt()).isEqualTo(NbdWire.STRUCTURED_REPLY_MAGIC);
    assertThat(out.readShort()).isEqualTo((short) NbdWire.REPLY_FLAG_DONE);
    assertThat(out.readShort()).isEqualTo((short) NbdWire.REPLY_TYPE_OFFSET_DATA);
    assertThat(out.readLong()).isEqualTo(1);
    assertThat(out.readInt()).isEqualTo(11);
    assertThat(out.readLong()).isEqualTo(100);
    assertThat(out.readByte()).isEqualTo((byte) 42);
    out.skipBytes(2);
    assertThat(out.isReadable()).isFalse();
  }

  @Test
  void discWaitsForInFlightRequestsThenCloses() {
    EmbeddedServer s = connect("disk", false);
    s.channel.writeInbound(req(0, NbdCommand.READ, 1, 0, 1));
    s.channel.writeInbound(req(0, NbdCommand.DISC, 2, 0, 0));
    assertThat(s.channel.isOpen()).isTrue();
    s.runWorkers();
    assertThat(simpleReplies(s.output(), Map.of(1L, 1))).containsOnlyKeys(1L);
    assertThat(s.channel.isOpen()).isFalse();
  }

  @Test
  void goAndRequestsMergedInOneBufferAndSplitAtEveryByteGiveTheSameReplies() {
    ByteBuf session = Unpooled.buffer();
    session.writeBytes(ClientWire.clientFlags(3));
    session.writeBytes(ClientWire.option(NbdWire.OPT_LIST, new byte[0]));
    session.writeBytes(ClientWire.option(NbdWire.OPT_GO, ClientWire.goData("disk", 3)));
    session.writeBytes(ClientWire.request(0, 1, 1, 10, 5, new byte[] {1, 2, 3, 4, 5}));
    session.writeBytes(ClientWire.request(0, 6, 2, 11, 1, null));
    session.writeBytes(ClientWire.request(0, 0, 3, 8, 8, null));
    session.writeBytes(ClientWire.request(0, 3, 4, 0, 0, null));
    byte[] bytes = ClientWire.bytes(session);
    byte[] merged = run(bytes, bytes.length);
    assertThat(merged.length).isGreaterThan(100);
    for (int chunk = 1; chunk <= 7; chunk++) {
      assertThat(run(bytes, chunk)).as("chunk %d", chunk).isEqualTo(merged);
    }
    for (int split = 1; split < bytes.length; split++) {
      assertThat(runSplit(bytes, split)).as("split at %d", split).isEqualTo(merged);
    }
  }

  private byte[] run(byte[] bytes, int chunk) {
    Arrays.fill(disk.data(), (byte) 0);
    EmbeddedServer s = new EmbeddedServer(MAX, disk);
    for (int i = 0; i < bytes.length; i += chunk) {
      s.channel.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
      s.runWorkers();
    }
    return ClientWire.bytes(s.output());
  }

  private byte[] runSplit(byte[] bytes, int split) {
    Arrays.fill(disk.data(), (byte) 0);
    EmbeddedServer s = new EmbeddedServer(MAX, disk);
    s.channel.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
    s.runWorkers();
    s.channel.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
    s.runWorkers();
    return ClientWire.bytes(s.output());
  }
}
