package io.doppel.replication.transport;

import io.doppel.replication.history.History;
import io.doppel.replication.replica.RecordApplier;
import io.doppel.replication.wire.Record;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** An in-memory resource: 64 slots, a write sets one slot, a copy sets all of them. */
final class MemoryState implements RecordApplier {
  static final int KIND_WRITE = 1;
  static final int KIND_COPY = 2;
  final long[] slots = new long[64];
  volatile long appliedSeq;
  volatile boolean outOfOrder;

  static byte[] write(int slot, long value) {
    return ByteBuffer.allocate(12).putInt(slot).putLong(value).array();
  }

  byte[] snapshot() {
    ByteBuffer b = ByteBuffer.allocate(8 * slots.length);
    for (long v : slots) {
      b.putLong(v);
    }
    return b.array();
  }

  void applyLocal(Record r) {
    ByteBuffer in = ByteBuffer.wrap(r.payload());
    if (r.kind() == KIND_WRITE) {
      slots[in.getInt()] = in.getLong();
    } else {
      for (int i = 0; i < slots.length; i++) {
        slots[i] = in.getLong();
      }
    }
  }

  @Override
  public void apply(Record record, boolean durable) {
    if (record.seq() != appliedSeq + 1) {
      outOfOrder = true;
    }
    appliedSeq = record.seq();
    applyLocal(record);
  }

  @Override
  public void sync() {}

  @Override
  public void beginCopy() {}

  @Override
  public void applyCopy(Record chunk) {
    applyLocal(chunk);
  }

  @Override
  public void endCopy(History history) {
    appliedSeq = history.lastSeq();
  }

  long digest() {
    return Arrays.hashCode(slots);
  }
}
