package io.doppel.replication.track;

import io.doppel.replication.wire.Record;

/** The block face's read of a volume range for a copy, as a record for the replica's applyCopy. */
@FunctionalInterface
public interface RegionReader {
  Record read(CopyTask task, long epoch, long basisSeq);
}
