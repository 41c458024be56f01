package io.doppel.block.mirror;

import io.doppel.block.volume.Volume;
import io.doppel.replication.history.History;
import io.doppel.replication.replica.RecordApplier;
import io.doppel.replication.wire.Record;
import java.io.IOException;

/**
 * The backup side of a mirrored volume: applies the primary's block records to this node's own
 * image with {@link BlockRecords#apply} (the primary's code), and persists the history only after
 * the image is forced, so the persisted {@code (epoch, lastSeq)} never claims data the disk lacks
 * (REPLICATION.md "The stream"). Called on the resource's agent thread only.
 */
public final class VolumeReplicaApplier implements RecordApplier {
  private final Volume image;
  private final MirrorFiles files;
  private History applied;
  private boolean retired;

  /**
   * @param image the backup's local image (not exported over NBD while this node is a backup)
   * @param persisted the history read from {@code files} at start-up
   */
  public VolumeReplicaApplier(Volume image, MirrorFiles files, History persisted) {
    this.image = image;
    this.files = files;
    this.applied = persisted;
  }

  @Override
  public void apply(Record record, boolean durable) throws IOException {
    checkActive();
    BlockRecords.apply(record, image);
    applied = applied.append(record.epoch(), record.seq());
    if (durable) {
      sync();
    }
  }

  @Override
  public void sync() throws IOException {
    if (retired) {
      return; // the image was handed to the primary side; it syncs it itself
    }
    image.flush();
    files.writeHistory(applied);
  }

  @Override
  public void beginCopy() throws IOException {
    checkActive();
    files.markInconsistent();
  }

  @Override
  public void applyCopy(Record chunk) throws IOException {
    checkActive();
    if (chunk.kind() != BlockRecords.KIND_COPY) {
      throw new IOException("expected a copy chunk, got " + chunk);
    }
    BlockRecords.apply(chunk, image);
  }

  @Override
  public void endCopy(History history) throws IOException {
    checkActive();
    image.flush();
    files.writeHistory(history);
    files.clearInconsistent();
    applied = history;
  }

  /**
   * Syncs what was applied and stops applying (this node is being promoted): later records for this
   * image are refused. Returns the history now durable with the image.
   */
  History retire() throws IOException {
    sync();
    retired = true;
    return applied;
  }

  private void checkActive() throws IOException {
    if (retired) {
      throw new IOException("this node is no longer a backup of " + image.name());
    }
  }

  /** The history of what was applied (its tail may not be durable yet). */
  public History applied() {
    return applied;
  }
}
