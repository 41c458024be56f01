package io.doppel.block.mirror.verify;

import io.doppel.block.mirror.BlockRecords;
import io.doppel.block.volume.Volume;
import io.doppel.replication.primary.PrimaryStream;
import io.doppel.replication.primary.ReplicaStatus;
import io.doppel.replication.track.DirtyMap;
import io.doppel.replication.transport.PrimaryHost;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.Record;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A mirrored volume's primary as an online verify sees it: emits verify records into the ordered
 * write path, collects the backups' answers, and marks regions for a repair. Everything that
 * touches the stream, the image or the dirty map runs on the volume's replication thread (through
 * {@link PrimaryHost}); the verify's own thread only waits on futures.
 */
public final class VerifyPort implements VerifyTarget {
  private final String name;
  private final long epoch;
  private final Volume local;
  private final PrimaryHost host;
  private final DirtyMap map;
  private final LongSupplier clock;
  private final Map<Long, Batch> pending = new ConcurrentHashMap<>();

  /**
   * One emitted verify record: the primary's digests and the answers that arrived for it.
   *
   * @param seq the record's seq: every answer describes its backup exactly as of this seq
   */
  public record Batch(
      long seq,
      long offset,
      long length,
      List<byte[]> primary,
      Map<String, List<byte[]>> answers) {}

  /**
   * @param local the primary's image (the stream's records are applied to it)
   * @param map the volume's dirty map (its region size is the verify's)
   * @param clock monotonic nanoseconds
   */
  public VerifyPort(
      String name, long epoch, Volume local, PrimaryHost host, DirtyMap map, LongSupplier clock) {
    this.name = name;
    this.epoch = epoch;
    this.local = local;
    this.host = host;
    this.map = map;
    this.clock = clock;
  }

  @Override
  public String volume() {
    return name;
  }

  @Override
  public long sizeBytes() {
    return local.sizeBytes();
  }

  /** The verify's region size: the dirty map's, so a repair marks exactly what was reported. */
  @Override
  public int regionBytes() {
    return map.regionBytes();
  }

  /** Starts receiving answers (replacing any earlier verify's listener on this volume). */
  @Override
  public CompletableFuture<Long> open() {
    return host.call(
        name,
        s -> {
          s.verifyListener(this::onAnswer);
          return s.lastSeq();
        });
  }

  /** Stops receiving answers (and forgets batches a failed verify left behind). */
  @Override
  public CompletableFuture<Long> close() {
    pending.clear();
    return host.call(
        name,
        s -> {
          s.verifyListener(null);
          return s.lastSeq();
        });
  }

  private void onAnswer(String replica, long seq, List<byte[]> digests) {
    Batch b = pending.get(seq);
    if (b != null) {
      b.answers().put(replica, digests);
    }
  }

  /**
   * Emits a verify record for {@code [offset, offset + length)}: on the replication thread, between
   * two writes, the primary digests its regions and offers the record; completes with the batch
   * once every in-sync backup received it — its answer was sent before that ack on the same
   * connection, so by then the batch holds the answer of every backup that stayed in sync.
   */
  @Override
  public CompletableFuture<Batch> emit(long offset, long length) {
    int regionBytes = regionBytes();
    CompletableFuture<Long> acked =
        host.replicate(
            name,
            seq -> {
              try {
                List<byte[]> digests = VerifyRecords.digest(local, offset, length, regionBytes);
                pending.put(
                    seq, new Batch(seq, offset, length, digests, new ConcurrentHashMap<>()));
                byte[] payload =
                    VerifyRecords.payload(
                        new VerifyRecords.Request(offset, length, regionBytes, digests));
                return Record.of(name, epoch, seq, VerifyRecords.KIND_VERIFY, payload);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            AckStrength.RECEIVED);
    // The barrier through the replication thread: answers handled before the ack are visible.
    return acked.thenCompose(seq -> host.call(name, s -> pending.remove(seq)));
  }

  /** The backups as the primary sees them now (node → replication state name). */
  @Override
  public CompletableFuture<Map<String, String>> replicas() {
    return host.call(
        name,
        s -> {
          Map<String, String> out = new LinkedHashMap<>();
          for (ReplicaStatus r : s.status(clock.getAsLong())) {
            out.put(r.replica(), r.state().name());
          }
          return out;
        });
  }

  /**
   * Repairs {@code regions} (offset, length pairs of whole regions) on each listed backup: in one
   * step on the replication thread, the regions are stamped dirty with the seq of a new barrier
   * record and each backup is made to leave sync before that record is offered, so it cannot ack
   * the record durably without first copying them; its catch-up (the existing dirty-region resync)
   * then copies exactly the regions stamped after its durable seq.
   */
  @Override
  public CompletableFuture<Long> repair(Map<String, List<long[]>> regions) {
    PrimaryStream[] stream = new PrimaryStream[1];
    return host.call(name, s -> stream[0] = s)
        .thenCompose(
            unused ->
                host.replicate(
                    name,
                    seq -> {
                      try {
                        for (List<long[]> list : regions.values()) {
                          for (long[] r : list) {
                            map.markDurably(r[0], r[1], seq);
                          }
                        }
                      } catch (IOException e) {
                        throw new UncheckedIOException(e);
                      }
                      // Same agent step as the offer below (replicate runs both on this thread).
                      for (String replica : regions.keySet()) {
                        stream[0].forceCatchUp(replica, "verify repair", clock.getAsLong());
                      }
                      return Record.of(name, epoch, seq, BlockRecords.KIND_FLUSH, new byte[0]);
                    },
                    AckStrength.RECEIVED));
  }
}
