package io.doppel.block.mirror;

import io.doppel.block.volume.Volume;
import io.doppel.replication.primary.PrimaryStream;
import io.doppel.replication.primary.ReplicaStatus;
import io.doppel.replication.track.DirtyMap;
import io.doppel.replication.transport.PrimaryHost;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.Record;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The primary side of a mirrored volume (ISSUE3 "Mirrored volumes"): every WRITE, WRITE_ZEROES and
 * TRIM marks the dirty map durably, is applied locally and is offered to every in-sync backup, all
 * on the volume's replication thread ({@link PrimaryHost#replicate}); the NBD reply waits for
 * RECEIVED from every in-sync backup, or DURABLE with FUA. FLUSH forces the local image and waits
 * for DURABLE everywhere. A backup that does not ack in time is dropped from sync by the
 * replication module and the volume keeps serving; reads are local.
 */
public final class MirroredVolume implements Volume {
  /** Told the seq through which the local image is forced (runs on the replication thread). */
  private final java.util.function.LongConsumer localDurable;

  private final Volume local;
  private final PrimaryHost host;
  private final DirtyMap map;
  private final MirrorFiles files;
  private final long epoch;
  private final int maxRecordBytes;
  private final long waitNanos;
  private final LongAdder resyncBytes;
  private volatile boolean demoted;
  private boolean closed;

  /**
   * @param local the local image (what backups receive is applied to it with the same code)
   * @param host runs this volume's {@link PrimaryStream}, already registered under {@code name()}
   * @param map the persisted dirty map, touched only on the volume's replication thread
   * @param maxRecordBytes larger writes are split into records of at most this size
   * @param waitNanos upper bound on one reply's wait (beyond the replication ack timeout)
   * @param resyncBytes counts bytes read for resync copies (shared with the region reader)
   */
  public MirroredVolume(
      Volume local,
      PrimaryHost host,
      DirtyMap map,
      MirrorFiles files,
      long epoch,
      int maxRecordBytes,
      long waitNanos,
      LongAdder resyncBytes,
      java.util.function.LongConsumer localDurable) {
    this.local = local;
    this.localDurable = localDurable;
    this.host = host;
    this.map = map;
    this.files = files;
    this.epoch = epoch;
    this.maxRecordBytes = maxRecordBytes;
    this.waitNanos = waitNanos;
    this.resyncBytes = resyncBytes;
  }

  @Override
  public String name() {
    return local.name();
  }

  @Override
  public long sizeBytes() {
    return local.sizeBytes();
  }

  @Override
  public int blockSize() {
    return local.blockSize();
  }

  @Override
  public boolean readOnly() {
    return local.readOnly();
  }

  public RoleAssignment role() {
    return new RoleAssignment(VolumeRole.PRIMARY, epoch);
  }

  @Override
  public void read(long offset, int length, ByteBuffer dst) throws IOException {
    local.read(offset, length, dst);
  }

  /**
   * Refuses every later write, trim and flush (the operator demoted this node): a client still
   * connected gets an error instead of writing into an image that is about to become a replica.
   */
  void demote() {
    demoted = true;
  }

  private void checkServing() throws IOException {
    if (demoted) {
      throw new IOException("volume " + name() + " was demoted on this node");
    }
  }

  @Override
  public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
    checkServing();
    markAhead(offset, src.remaining());
    List<CompletableFuture<Long>> pending = new ArrayList<>();
    long at = offset;
    while (src.hasRemaining()) {
      // One copy: straight from the request into the record's payload, after its header.
      int n = Math.min(src.remaining(), maxRecordBytes);
      byte[] payload = new byte[BlockRecords.HEADER + n];
      ByteBuffer p = ByteBuffer.wrap(payload).putLong(at).putLong(n);
      p.put(p.position(), src, src.position(), n);
      src.position(src.position() + n);
      pending.add(submit(BlockRecords.KIND_WRITE, at, n, payload, fua));
      at += n;
    }
    await(pending);
  }

  @Override
  public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim)
      throws IOException {
    ranged(BlockRecords.KIND_ZEROES, offset, length, fua);
  }

  @Override
  public void trim(long offset, long length) throws IOException {
    // Applied as zeroes on every copy, so the replicas stay byte-identical.
    ranged(BlockRecords.KIND_TRIM, offset, length, false);
  }

  private void ranged(int kind, long offset, long length, boolean fua) throws IOException {
    checkServing();
    markAhead(offset, length);
    List<CompletableFuture<Long>> pending = new ArrayList<>();
    long step = Math.max(maxRecordBytes, 1L << 30);
    for (long at = offset; at < offset + length; at += step) {
      long n = Math.min(step, offset + length - at);
      pending.add(submit(kind, at, n, BlockRecords.payload(at, n, null), fua));
    }
    await(pending);
  }

  /**
   * Marks the write's regions dirty and forces the map here, on the client's worker thread, before
   * the write reaches the replication thread: concurrent writers share one force (group commit) and
   * the replication thread's own {@link DirtyMap#markDurably} finds the marks already durable, so
   * it never waits on the disk for them. The rule is unchanged: durable mark, then local write.
   */
  private void markAhead(long offset, long length) throws IOException {
    if (length > 0
        && offset >= 0
        && offset <= sizeBytes() - length
        && map.premark(offset, length)) {
      map.awaitDurable(offset, length);
    }
  }

  private CompletableFuture<Long> submit(
      int kind, long offset, long length, byte[] payload, boolean fua) {
    return host.replicate(
        name(),
        seq -> {
          try {
            map.markDurably(offset, length, seq);
            Record r = Record.of(name(), epoch, seq, kind, payload);
            BlockRecords.apply(r, local);
            if (fua) {
              local.flush();
              localDurable.accept(seq);
            }
            return r;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        fua ? AckStrength.DURABLE : AckStrength.RECEIVED);
  }

  @Override
  public void flush() throws IOException {
    checkServing();
    CompletableFuture<Long> barrier =
        host.replicate(
            name(),
            seq -> {
              try {
                local.flush();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              localDurable.accept(seq);
              return Record.of(name(), epoch, seq, BlockRecords.KIND_FLUSH, new byte[0]);
            },
            AckStrength.DURABLE);
    await(List.of(barrier));
    persistHistory();
  }

  /** Persists the stream's history (after a local flush, so it never runs ahead of the disk). */
  private void persistHistory() throws IOException {
    await(
        List.of(
            host.call(
                name(),
                s -> {
                  try {
                    files.writeHistory(s.history());
                    return s.lastSeq();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })));
  }

  private void await(List<CompletableFuture<Long>> pending) throws IOException {
    try {
      for (CompletableFuture<Long> f : pending) {
        f.get(waitNanos, TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for replication of " + name());
    } catch (TimeoutException e) {
      throw new IOException("replication of " + name() + " did not complete in time", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("replication of " + name() + " failed: " + cause, cause);
    }
  }

  /**
   * What an online verify of this volume uses (the verify package): it adds records to this
   * volume's stream between writes, and never touches the write path itself.
   */
  public io.doppel.block.mirror.verify.VerifyPort verifyPort(
      java.util.function.LongSupplier clock) {
    return new io.doppel.block.mirror.verify.VerifyPort(name(), epoch, local, host, map, clock);
  }

  /** This volume's status, computed on its replication thread. */
  public CompletableFuture<MirrorStatus> status(long nowNanos) {
    return host.call(name(), s -> statusOf(s, nowNanos));
  }

  private MirrorStatus statusOf(PrimaryStream s, long nowNanos) {
    List<MirrorStatus.ReplicaView> views = new ArrayList<>();
    for (ReplicaStatus r : s.status(nowNanos)) {
      views.add(
          new MirrorStatus.ReplicaView(
              r.replica(),
              r.state().name(),
              r.durableSeq(),
              r.lagBytes(),
              r.progress().bytesDone(),
              r.progress().bytesTotal()));
    }
    return new MirrorStatus(
        name(),
        VolumeRole.PRIMARY,
        epoch,
        s.lastSeq(),
        map.dirtyBytes(),
        resyncBytes.sum(),
        false,
        views,
        s.fencedByEpoch());
  }

  /** Idempotent: the host closes every primary it still holds, after the catalog or a test may. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      local.flush();
      persistHistory();
      await(
          List.of(
              host.call(
                  name(),
                  s -> {
                    try {
                      localDurable.accept(s.lastSeq()); // forced above: clears may proceed
                      map.close();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                    return 0L;
                  })));
    } finally {
      local.close();
    }
  }
}
