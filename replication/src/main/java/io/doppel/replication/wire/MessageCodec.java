package io.doppel.replication.wire;

import io.doppel.replication.history.History;
import io.doppel.replication.wire.ReplicationMessage.Ack;
import io.doppel.replication.wire.ReplicationMessage.Append;
import io.doppel.replication.wire.ReplicationMessage.CopyAck;
import io.doppel.replication.wire.ReplicationMessage.CopyChunk;
import io.doppel.replication.wire.ReplicationMessage.Hello;
import io.doppel.replication.wire.ReplicationMessage.Probe;
import io.doppel.replication.wire.ReplicationMessage.Refuse;
import io.doppel.replication.wire.ReplicationMessage.SyncDone;
import io.doppel.replication.wire.ReplicationMessage.SyncStart;
import io.doppel.replication.wire.ReplicationMessage.VerifyReply;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link ReplicationMessage} (big-endian): {@code type:u8, resource:(u8 len,
 * utf8), epoch:i64, body}. Framing (a u32 length before each message) is the transport's job.
 * Decoding checks every length against {@link WireLimits} and the bytes actually present before
 * allocating, and verifies record checksums (a bad one is reported by the caller, not here: the
 * replica answers it with a refusal).
 */
public final class MessageCodec {
  private static final int PROBE = 1;
  private static final int HELLO = 2;
  private static final int APPEND = 3;
  private static final int ACK = 4;
  private static final int REFUSE = 5;
  private static final int SYNC_START = 6;
  private static final int COPY_CHUNK = 7;
  private static final int SYNC_DONE = 8;
  private static final int COPY_ACK = 9;
  private static final int VERIFY_REPLY = 10;

  private final WireLimits limits;

  public MessageCodec(WireLimits limits) {
    this.limits = limits;
  }

  /** The encoded message (without a frame length). */
  public byte[] encode(ReplicationMessage m) {
    ByteBuffer out = ByteBuffer.allocate(encodedSize(m));
    encodeInto(m, out);
    return out.array();
  }

  /** The size of {@link #encode}'s result. */
  public int encodedSize(ReplicationMessage m) {
    return 1 + 1 + m.resource().getBytes(StandardCharsets.UTF_8).length + 8 + bodySize(m);
  }

  /**
   * Writes the encoded message into {@code out} (at least {@link #encodedSize} bytes remaining):
   * the transport encodes straight into its socket buffer, without an intermediate array.
   */
  public void encodeInto(ReplicationMessage m, ByteBuffer out) {
    byte[] name = m.resource().getBytes(StandardCharsets.UTF_8);
    out.put((byte) type(m)).put((byte) name.length).put(name).putLong(m.epoch());
    switch (m) {
      case Probe p -> {}
      case Hello h -> {
        h.history().encodeTo(out);
        out.put((byte) (h.inconsistent() ? 1 : 0));
        out.put((byte) (h.tail().isPresent() ? 1 : 0));
        h.tail().ifPresent(t -> t.encodeTo(out));
      }
      case Append a -> {
        out.put((byte) (a.syncRequested() ? 1 : 0)).putInt(a.records().size());
        a.records().forEach(r -> putRecord(out, r));
      }
      case Ack a -> out.putLong(a.receivedSeq()).putLong(a.durableSeq());
      case Refuse r -> out.putInt(r.reason().code()).putLong(r.expectedSeq());
      case SyncStart s -> out.putLong(s.syncId());
      case CopyChunk c -> {
        out.putLong(c.syncId()).putLong(c.index());
        putRecord(out, c.record());
      }
      case SyncDone d -> {
        out.putLong(d.syncId()).putLong(d.chunkCount());
        d.history().encodeTo(out);
      }
      case CopyAck c -> {
        out.putLong(c.syncId()).putLong(c.appliedChunks()).put((byte) (c.done() ? 1 : 0));
      }
      case VerifyReply v -> {
        int len = v.digests().isEmpty() ? 1 : v.digests().get(0).length;
        out.putLong(v.seq()).putInt(v.digests().size()).put((byte) len);
        v.digests().forEach(out::put);
      }
    }
  }

  private static int type(ReplicationMessage m) {
    return switch (m) {
      case Probe p -> PROBE;
      case Hello h -> HELLO;
      case Append a -> APPEND;
      case Ack a -> ACK;
      case Refuse r -> REFUSE;
      case SyncStart s -> SYNC_START;
      case CopyChunk c -> COPY_CHUNK;
      case SyncDone d -> SYNC_DONE;
      case CopyAck c -> COPY_ACK;
      case VerifyReply v -> VERIFY_REPLY;
    };
  }

  private static int bodySize(ReplicationMessage m) {
    return switch (m) {
      case Probe p -> 0;
      case Hello h -> h.history().encodedSize() + 2 + h.tail().map(t -> t.encodedSize()).orElse(0);
      case Append a -> 5 + a.records().stream().mapToInt(MessageCodec::recordSize).sum();
      case Ack a -> 16;
      case Refuse r -> 12;
      case SyncStart s -> 8;
      case CopyChunk c -> 16 + recordSize(c.record());
      case SyncDone d -> 16 + d.history().encodedSize();
      case CopyAck c -> 17;
      case VerifyReply v -> 13 + v.digests().stream().mapToInt(d -> d.length).sum();
    };
  }

  private static int recordSize(Record r) {
    return 8 + 8 + 4 + 4 + 4 + r.payload().length;
  }

  private static void putRecord(ByteBuffer out, Record r) {
    out.putLong(r.epoch()).putLong(r.seq()).putInt(r.kind()).putInt(r.checksum());
    out.putInt(r.payload().length).put(r.payload());
  }

  /** Decodes one message from exactly the bytes of {@code frame}. */
  public ReplicationMessage decode(ByteBuffer frame) throws MalformedMessageException {
    if (frame.remaining() > limits.maxFrameBytes()) {
      throw new MalformedMessageException("frame of " + frame.remaining() + " bytes over limit");
    }
    try {
      ReplicationMessage m = decodeBody(frame);
      if (frame.hasRemaining()) {
        throw new MalformedMessageException(frame.remaining() + " trailing bytes");
      }
      return m;
    } catch (BufferUnderflowException e) {
      throw new MalformedMessageException("truncated message");
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }

  private ReplicationMessage decodeBody(ByteBuffer in) throws MalformedMessageException {
    int type = in.get() & 0xff;
    int nameLength = in.get() & 0xff;
    if (nameLength == 0 || nameLength > in.remaining()) {
      throw new MalformedMessageException("bad resource name length " + nameLength);
    }
    byte[] name = new byte[nameLength];
    in.get(name);
    String resource = new String(name, StandardCharsets.UTF_8);
    long epoch = in.getLong();
    return switch (type) {
      case PROBE -> new Probe(resource, epoch);
      case HELLO -> decodeHello(in, resource, epoch);
      case APPEND -> decodeAppend(in, resource, epoch);
      case ACK -> new Ack(resource, epoch, in.getLong(), in.getLong());
      case REFUSE -> new Refuse(resource, epoch, reason(in.getInt()), in.getLong());
      case SYNC_START -> new SyncStart(resource, epoch, in.getLong());
      case COPY_CHUNK ->
          new CopyChunk(resource, epoch, in.getLong(), in.getLong(), getRecord(in, resource));
      case SYNC_DONE ->
          new SyncDone(resource, epoch, in.getLong(), in.getLong(), History.decode(in));
      case COPY_ACK -> new CopyAck(resource, epoch, in.getLong(), in.getLong(), in.get() != 0);
      case VERIFY_REPLY -> decodeVerifyReply(in, resource, epoch);
      default -> throw new MalformedMessageException("unknown message type " + type);
    };
  }

  private static Hello decodeHello(ByteBuffer in, String resource, long epoch)
      throws MalformedMessageException {
    History history = History.decode(in);
    boolean inconsistent = in.get() != 0;
    int tailFlag = in.get();
    if (tailFlag != 0 && tailFlag != 1) {
      throw new MalformedMessageException("bad tail-claim flag " + tailFlag);
    }
    java.util.Optional<io.doppel.replication.history.TailClaim> tail =
        tailFlag == 1
            ? java.util.Optional.of(io.doppel.replication.history.TailClaim.decode(in))
            : java.util.Optional.empty();
    return new Hello(resource, epoch, history, inconsistent, tail);
  }

  private static RefuseReason reason(int code) throws MalformedMessageException {
    RefuseReason r = RefuseReason.fromCode(code);
    if (r == null) {
      throw new MalformedMessageException("unknown refuse reason " + code);
    }
    return r;
  }

  private static VerifyReply decodeVerifyReply(ByteBuffer in, String resource, long epoch)
      throws MalformedMessageException {
    long seq = in.getLong();
    int count = in.getInt();
    int len = in.get() & 0xff;
    // Count and length are checked against the hard limits and the bytes present before the list
    // or any digest is allocated.
    if (len < 1 || len > VerifyReply.MAX_DIGEST_BYTES) {
      throw new MalformedMessageException("digest length " + len + " out of range");
    }
    if (count < 0 || count > VerifyReply.MAX_DIGESTS || (long) count * len > in.remaining()) {
      throw new MalformedMessageException("digest count " + count + " out of range");
    }
    List<byte[]> digests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] d = new byte[len];
      in.get(d);
      digests.add(d);
    }
    return new VerifyReply(resource, epoch, seq, digests);
  }

  private Append decodeAppend(ByteBuffer in, String resource, long epoch)
      throws MalformedMessageException {
    boolean sync = in.get() != 0;
    int count = in.getInt();
    // Each record needs at least 28 bytes, so a count the frame cannot hold is refused up front.
    if (count < 0 || count > limits.maxRecordsPerAppend() || count > in.remaining() / 28) {
      throw new MalformedMessageException("record count " + count + " out of range");
    }
    List<Record> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(getRecord(in, resource));
    }
    return new Append(resource, epoch, sync, records);
  }

  private Record getRecord(ByteBuffer in, String resource) throws MalformedMessageException {
    long epoch = in.getLong();
    long seq = in.getLong();
    int kind = in.getInt();
    int checksum = in.getInt();
    int length = in.getInt();
    if (length < 0 || length > limits.maxPayloadBytes() || length > in.remaining()) {
      throw new MalformedMessageException("payload length " + length + " out of range");
    }
    byte[] payload = new byte[length];
    in.get(payload);
    return new Record(resource, epoch, seq, kind, payload, checksum);
  }
}
