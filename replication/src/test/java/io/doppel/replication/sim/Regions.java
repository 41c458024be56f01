package io.doppel.replication.sim;

import io.doppel.replication.track.CopyTask;
import io.doppel.replication.wire.Record;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** The simulated volume: one long per 4 KiB region; writes overwrite one region (idempotent). */
final class Regions {
  static final int REGION_BYTES = 4096;
  static final int KIND_WRITE = 1;
  static final int KIND_COPY = 2;

  final long[] values;

  Regions(int count) {
    values = new long[count];
  }

  Regions(long[] values) {
    this.values = values.clone();
  }

  static byte[] writePayload(int region, long value, int padding) {
    return ByteBuffer.allocate(12 + padding).putInt(region).putLong(value).array();
  }

  void apply(Record r) {
    ByteBuffer in = ByteBuffer.wrap(r.payload());
    switch (r.kind()) {
      case KIND_WRITE -> values[in.getInt()] = in.getLong();
      case KIND_COPY -> {
        int first = in.getInt();
        int count = in.getInt();
        for (int i = 0; i < count; i++) {
          values[first + i] = in.getLong();
        }
      }
      default -> throw new AssertionError("unknown kind " + r.kind());
    }
  }

  byte[] copyPayload(CopyTask task) {
    int first = (int) (task.offset() / REGION_BYTES);
    int count = (int) ((task.length() + REGION_BYTES - 1) / REGION_BYTES);
    ByteBuffer out = ByteBuffer.allocate(8 + 8 * count).putInt(first).putInt(count);
    for (int i = 0; i < count; i++) {
      out.putLong(values[first + i]);
    }
    return out.array();
  }

  long digest() {
    return Arrays.hashCode(values) * 1_000_003L + Arrays.stream(values).sum();
  }

  Regions copy() {
    return new Regions(values);
  }
}
