package io.doppel.block.mirror;

import io.doppel.block.volume.Volume;
import io.doppel.replication.track.CopyTask;
import io.doppel.replication.track.RegionReader;
import io.doppel.replication.wire.Record;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads a range of the primary's local image for a resync copy (on the volume's replication thread,
 * so no write interleaves with the read) and counts the bytes copied.
 */
final class RegionImageReader implements RegionReader {
  private final String name;
  private final Volume local;
  private final LongAdder copied;

  RegionImageReader(String name, Volume local, LongAdder copied) {
    this.name = name;
    this.local = local;
    this.copied = copied;
  }

  @Override
  public Record read(CopyTask task, long epoch, long basisSeq) {
    int length = Math.toIntExact(task.length());
    ByteBuffer data = ByteBuffer.allocate(length);
    try {
      local.read(task.offset(), length, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    copied.add(length);
    byte[] payload = BlockRecords.payload(task.offset(), length, data.array());
    return Record.of(name, epoch, basisSeq, BlockRecords.KIND_COPY, payload);
  }
}
