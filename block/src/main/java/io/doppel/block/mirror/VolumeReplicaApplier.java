package io.doppel.block.mirror;

import io.doppel.block.mirror.verify.VerifyRecords;
import io.doppel.block.volume.Volume;
import io.doppel.replication.history.History;
import io.doppel.replication.replica.RecordApplier;
import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.wire.Record;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * The backup side of a mirrored volume: applies the primary's block records to this node's own
 * image with {@link BlockRecords#apply} (the primary's code), and persists the history only after
 * the image is forced, so the persisted {@code (epoch, lastSeq)} never claims data the disk lacks
 * (REPLICATION.md "The stream"). Called on the resource's agent thread only.
 */
public final class VolumeReplicaApplier implements RecordApplier, ReplicaApplier.VerifyAnswerer {
  private final Volume image;
  private final MirrorFiles files;
  private final Executor syncs;
  private History applied;
  private boolean retired;
  private CompletableFuture<Void> syncing = CompletableFuture.completedFuture(null);

  /**
   * @param image the backup's local image (not exported over NBD while this node is a backup)
   * @param persisted the history read from {@code files} at start-up
   * @param syncs runs the background syncs (the host's; a volume has at most one sync running:
   *     {@link ReplicaApplier} starts the next only after the last completed, and each is chained
   *     after the previous anyway)
   */
  public VolumeReplicaApplier(Volume image, MirrorFiles files, History persisted, Executor syncs) {
    this.image = image;
    this.files = files;
    this.syncs = syncs;
    this.applied = persisted;
  }

  @Override
  public void apply(Record record, boolean durable) throws IOException {
    checkActive();
    if (record.kind() != VerifyRecords.KIND_VERIFY) { // a verify changes no data; see answer()
      BlockRecords.apply(record, image);
    }
    applied = applied.append(record.epoch(), record.seq());
    if (durable) {
      sync();
    }
  }

  /** Digests the regions a verify record names, right after it was applied in seq order. */
  @Override
  public List<byte[]> answer(Record record) throws IOException {
    return record.kind() == VerifyRecords.KIND_VERIFY ? VerifyRecords.answer(record, image) : null;
  }

  /**
   * Forces the image and then persists the history as applied now, on a background thread, so the
   * agent keeps applying (and acking received) while the disk works: writes applied later may reach
   * the disk early, but the persisted history never claims one that was not forced.
   */
  @Override
  public CompletableFuture<Void> syncAsync() {
    if (retired) {
      return CompletableFuture.completedFuture(null);
    }
    History upTo = applied;
    syncing =
        syncing.thenRunAsync(
            () -> {
              try {
                image.flush();
                files.writeHistory(upTo);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            syncs);
    return syncing;
  }

  /** Waits for a background sync: nothing else may write the history while one runs. */
  private void awaitSyncing() throws IOException {
    try {
      syncing.join();
    } catch (CompletionException e) {
      syncing = CompletableFuture.completedFuture(null);
      throw new IOException("background sync of " + image.name() + " failed", e.getCause());
    }
  }

  @Override
  public void sync() throws IOException {
    awaitSyncing();
    if (retired) {
      return; // the image was handed to the primary side; it syncs it itself
    }
    image.flush();
    files.writeHistory(applied);
  }

  @Override
  public void beginCopy() throws IOException {
    checkActive();
    awaitSyncing();
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
    awaitSyncing();
    image.flush();
    files.writeHistory(history);
    files.clearInconsistent();
    applied = history;
  }

  /** The next primary judged this node's tail claim: the leftover write-intent map goes. */
  @Override
  public void tailResolved() throws IOException {
    if (Files.deleteIfExists(files.dirtyMap())) {
      files.writeDegraded(java.util.List.of());
    }
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
