package io.doppel.cluster.message;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.message.Message.Heartbeat;
import io.doppel.cluster.message.Message.Held;
import io.doppel.cluster.message.Message.LeaseGrant;
import io.doppel.cluster.message.Message.LeaseRefuse;
import io.doppel.cluster.message.Message.LeaseRelease;
import io.doppel.cluster.message.Message.LeaseRequest;
import io.doppel.cluster.message.Message.PresenceProbe;
import io.doppel.cluster.message.Message.PresenceReply;
import io.doppel.cluster.message.Message.Shutdown;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Binary form of {@link Message}: {@code magic:u16 version:u8 type:u8 body crc32c:u32}, the CRC
 * over everything before it. Identifiers are {@code u8 length + UTF-8} (at most 64 bytes), the
 * held-lease list at most {@link #MAX_HELD} entries, a datagram at most {@link #MAX_DATAGRAM}
 * bytes: every length is checked before anything is allocated from it.
 */
public final class MessageCodec {
  /** Largest datagram encoded or accepted; fits an Ethernet MTU. */
  public static final int MAX_DATAGRAM = 1400;

  /** Most leases one heartbeat advertises. */
  public static final int MAX_HELD = 32;

  private static final short MAGIC = (short) 0xD0C1;
  private static final byte VERSION = 1;
  private static final int MAX_ID = 64;

  private MessageCodec() {}

  /** Encodes {@code m}; throws IllegalArgumentException if it cannot fit one datagram. */
  public static byte[] encode(Message m) {
    ByteBuffer b = ByteBuffer.allocate(MAX_DATAGRAM);
    b.putShort(MAGIC).put(VERSION).put(typeOf(m));
    try {
      writeBody(b, m);
    } catch (java.nio.BufferOverflowException e) {
      throw new IllegalArgumentException("message too large for one datagram: " + m);
    }
    if (b.remaining() < 4) {
      throw new IllegalArgumentException("message too large for one datagram: " + m);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    byte[] out = new byte[b.position()];
    System.arraycopy(b.array(), 0, out, 0, out.length);
    return out;
  }

  private static byte typeOf(Message m) {
    return switch (m) {
      case Heartbeat h -> 1;
      case PresenceProbe p -> 2;
      case PresenceReply p -> 3;
      case Shutdown s -> 4;
      case LeaseRequest r -> 5;
      case LeaseGrant g -> 6;
      case LeaseRefuse r -> 7;
      case LeaseRelease r -> 8;
    };
  }

  private static void writeBody(ByteBuffer b, Message m) {
    putId(b, m.from().name());
    switch (m) {
      case Heartbeat h -> {
        b.putLong(h.incarnation()).putLong(h.seq()).put((byte) (h.maintenance() ? 1 : 0));
        if (h.held().size() > MAX_HELD) {
          throw new IllegalArgumentException("too many held leases: " + h.held().size());
        }
        b.put((byte) h.held().size());
        for (Held held : h.held()) {
          putResource(b, held.resource());
          b.putLong(held.epoch().value());
        }
      }
      case PresenceProbe p -> b.putLong(p.nonce());
      case PresenceReply p -> b.putLong(p.nonce());
      case Shutdown s -> b.putLong(s.incarnation());
      case LeaseRequest r -> putLease(b, r.resource(), r.epoch(), r.requestId());
      case LeaseGrant g -> {
        putLease(b, g.resource(), g.epoch(), g.requestId());
        putId(b, g.holder().name());
      }
      case LeaseRefuse r -> {
        putLease(b, r.resource(), r.epoch(), r.requestId());
        b.putLong(r.promised().value());
        putOptionalId(b, r.promisedTo());
      }
      case LeaseRelease r -> {
        putResource(b, r.resource());
        b.putLong(r.epoch().value());
        putOptionalId(b, r.successor());
      }
    }
  }

  /** Decodes one datagram; any malformation is a {@link CodecException}, never a crash. */
  public static Message decode(byte[] data, int offset, int length) throws CodecException {
    if (length < 8 || length > MAX_DATAGRAM) {
      throw new CodecException("bad datagram length " + length);
    }
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length - 4);
    ByteBuffer b = ByteBuffer.wrap(data, offset, length);
    if (b.getInt(offset + length - 4) != (int) crc.getValue()) {
      throw new CodecException("checksum mismatch");
    }
    b.limit(offset + length - 4);
    if (b.getShort() != MAGIC || b.get() != VERSION) {
      throw new CodecException("bad magic or version");
    }
    try {
      Message m = readBody(b, b.get());
      if (b.hasRemaining()) {
        throw new CodecException("trailing bytes: " + b.remaining());
      }
      return m;
    } catch (BufferUnderflowException e) {
      throw new CodecException("truncated message");
    } catch (IllegalArgumentException e) {
      throw new CodecException("invalid field: " + e.getMessage());
    }
  }

  private static Message readBody(ByteBuffer b, byte type) throws CodecException {
    NodeId from = new NodeId(getId(b));
    return switch (type) {
      case 1 -> readHeartbeat(b, from);
      case 2 -> new PresenceProbe(from, b.getLong());
      case 3 -> new PresenceReply(from, b.getLong());
      case 4 -> new Shutdown(from, b.getLong());
      case 5 -> new LeaseRequest(from, getResource(b), epoch(b), b.getLong());
      case 6 -> readGrant(b, from);
      case 7 ->
          new LeaseRefuse(from, getResource(b), epoch(b), b.getLong(), epoch(b), optionalId(b));
      case 8 -> new LeaseRelease(from, getResource(b), epoch(b), optionalId(b));
      default -> throw new CodecException("unknown message type " + type);
    };
  }

  private static LeaseGrant readGrant(ByteBuffer b, NodeId from) throws CodecException {
    ResourceId resource = getResource(b);
    Epoch epoch = epoch(b);
    long requestId = b.getLong();
    return new LeaseGrant(from, resource, epoch, new NodeId(getId(b)), requestId);
  }

  private static Heartbeat readHeartbeat(ByteBuffer b, NodeId from) throws CodecException {
    long incarnation = b.getLong();
    long seq = b.getLong();
    boolean maintenance = b.get() != 0;
    int n = b.get() & 0xFF;
    if (n > MAX_HELD) {
      throw new CodecException("too many held leases: " + n);
    }
    List<Held> held = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      held.add(new Held(getResource(b), epoch(b)));
    }
    return new Heartbeat(from, incarnation, seq, maintenance, held);
  }

  private static void putLease(ByteBuffer b, ResourceId r, Epoch e, long requestId) {
    putResource(b, r);
    b.putLong(e.value()).putLong(requestId);
  }

  private static void putResource(ByteBuffer b, ResourceId r) {
    b.put((byte) r.kind().ordinal());
    putId(b, r.name());
  }

  private static ResourceId getResource(ByteBuffer b) throws CodecException {
    int kind = b.get() & 0xFF;
    ResourceId.Kind[] kinds = ResourceId.Kind.values();
    if (kind >= kinds.length) {
      throw new CodecException("unknown resource kind " + kind);
    }
    return new ResourceId(kinds[kind], getId(b));
  }

  private static Epoch epoch(ByteBuffer b) {
    return new Epoch(b.getLong());
  }

  private static void putId(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.put((byte) bytes.length).put(bytes);
  }

  private static void putOptionalId(ByteBuffer b, Optional<NodeId> id) {
    if (id.isPresent()) {
      putId(b, id.get().name());
    } else {
      b.put((byte) 0);
    }
  }

  private static String getId(ByteBuffer b) throws CodecException {
    int n = b.get() & 0xFF;
    if (n == 0 || n > MAX_ID || n > b.remaining()) {
      throw new CodecException("bad identifier length " + n);
    }
    byte[] bytes = new byte[n];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Optional<NodeId> optionalId(ByteBuffer b) throws CodecException {
    int n = b.get(b.position()) & 0xFF;
    if (n == 0) {
      b.get();
      return Optional.empty();
    }
    return Optional.of(new NodeId(getId(b)));
  }
}
