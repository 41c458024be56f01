package io.doppel.block.mirror.verify;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One online verify of a mirrored volume (REPLICATION.md "Verify", ISSUE3 "Operations"): walks the
 * volume in batches of whole regions, each a verify record in the ordered write path, so every
 * backup is compared with the primary at the same seq while clients keep writing; a client waits at
 * most one batch's digest time. Paced to {@link VerifyOptions#rateBytesPerSecond()}. With repair,
 * differing regions are marked for their backup and the job waits until it is in sync again.
 *
 * <p>Runs on its own thread ({@link #run}); {@link #report()} may be called from any thread.
 */
public final class VerifyJob implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(VerifyJob.class);
  private static final int RETRY_PASSES = 3;
  private static final long RETRY_WAIT_NANOS = 30_000_000_000L;

  /** Waits between batches and while polling a repair (production: a sleep; tests: the same). */
  @FunctionalInterface
  public interface Pause {
    void pauseNanos(long nanos) throws InterruptedException;
  }

  private final VerifyTarget port;
  private final VerifyOptions options;
  private final LongSupplier clock;
  private final Pause pause;
  private final long batchTimeoutNanos;
  private final long startNanos;
  private final Map<String, Tally> tallies = new LinkedHashMap<>();
  private volatile VerifyState state = VerifyState.RUNNING;
  private volatile long bytesDone;
  private volatile long endNanos = -1;
  private volatile String error;

  /** What one backup's comparison found so far (guarded by {@code tallies}). */
  private static final class Tally {
    long verified;
    long unverified;
    final List<long[]> unverifiedRanges = new ArrayList<>();
    final List<long[]> regions = new ArrayList<>();
    boolean repaired;
  }

  /**
   * @param batchTimeoutNanos how long one batch may take to be received by every in-sync backup
   */
  public VerifyJob(
      VerifyTarget port,
      VerifyOptions options,
      LongSupplier clock,
      Pause pause,
      long batchTimeoutNanos) {
    this.port = port;
    this.options = options;
    this.clock = clock;
    this.pause = pause;
    this.batchTimeoutNanos = batchTimeoutNanos;
    this.startNanos = clock.getAsLong();
  }

  @Override
  public void run() {
    LOG.info(
        "event=verify_start volume={} bytes={} repair={}",
        port.volume(),
        port.sizeBytes(),
        options.repair());
    try {
      await(port.open());
      walk();
      if (options.repair() && differs()) {
        state(VerifyState.REPAIRING);
        repair();
      }
      state(VerifyState.DONE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    } catch (Exception e) {
      fail(e.getMessage() == null ? e.toString() : e.getMessage());
    } finally {
      port.close();
    }
  }

  private void walk() throws Exception {
    long size = port.sizeBytes();
    int region = port.regionBytes();
    long batch = Math.max(region, options.batchBytes() / region * region);
    for (long offset = 0; offset < size; offset += batch) {
      known(await(port.replicas()).keySet());
      VerifyPort.Batch b = await(port.emit(offset, Math.min(batch, size - offset)));
      account(b, region, null);
      bytesDone = offset + b.length();
      pace();
    }
    for (int pass = 0; pass < RETRY_PASSES && retryUnverified(region); pass++) {
      LOG.info("event=verify_retry volume={} pass={}", port.volume(), pass + 1);
    }
  }

  /**
   * A backup that was out of sync while a batch went by (an ack timeout on a loaded machine) is
   * compared again on those ranges once it is back in sync. Returns whether anything was retried.
   */
  private boolean retryUnverified(int region) throws Exception {
    Map<String, String> states = awaitBackInSync();
    Map<Long, java.util.Set<String>> who = new java.util.TreeMap<>();
    Map<Long, Long> lengths = new LinkedHashMap<>();
    synchronized (tallies) {
      tallies.forEach(
          (node, t) -> {
            if (!"IN_SYNC".equals(states.get(node))) {
              return;
            }
            for (long[] r : t.unverifiedRanges) {
              who.computeIfAbsent(r[0], k -> new java.util.TreeSet<>()).add(node);
              lengths.put(r[0], r[1]);
              t.unverified -= r[1];
            }
            t.unverifiedRanges.clear();
          });
    }
    for (Map.Entry<Long, java.util.Set<String>> e : who.entrySet()) {
      VerifyPort.Batch b = await(port.emit(e.getKey(), lengths.get(e.getKey())));
      account(b, region, e.getValue());
    }
    return !who.isEmpty();
  }

  /** The backups' states once every one with unverified ranges is in sync, or after a while. */
  private Map<String, String> awaitBackInSync() throws Exception {
    long deadline = clock.getAsLong() + RETRY_WAIT_NANOS;
    while (true) {
      Map<String, String> states = await(port.replicas());
      boolean waiting;
      synchronized (tallies) {
        waiting =
            tallies.entrySet().stream()
                .anyMatch(
                    e ->
                        !e.getValue().unverifiedRanges.isEmpty()
                            && !"IN_SYNC".equals(states.get(e.getKey())));
      }
      if (!waiting || clock.getAsLong() > deadline) {
        return states;
      }
      pause.pauseNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private void known(Iterable<String> replicas) {
    synchronized (tallies) {
      replicas.forEach(r -> tallies.computeIfAbsent(r, k -> new Tally()));
    }
  }

  /** Compares a batch's answers with the primary's digests, for {@code only} (null: all). */
  private void account(VerifyPort.Batch b, int region, java.util.Set<String> only) {
    known(b.answers().keySet());
    synchronized (tallies) {
      for (Map.Entry<String, Tally> e : tallies.entrySet()) {
        if (only != null && !only.contains(e.getKey())) {
          continue;
        }
        List<byte[]> theirs = b.answers().get(e.getKey());
        Tally t = e.getValue();
        if (theirs == null || theirs.size() != b.primary().size()) {
          t.unverified += b.length(); // not in sync when this batch went by
          t.unverifiedRanges.add(new long[] {b.offset(), b.length()});
          continue;
        }
        t.verified += b.length();
        for (int i = 0; i < theirs.size(); i++) {
          if (!MessageDigest.isEqual(theirs.get(i), b.primary().get(i))) {
            long at = b.offset() + (long) i * region;
            t.regions.add(new long[] {at, Math.min(region, b.offset() + b.length() - at)});
          }
        }
      }
    }
  }

  private void pace() throws InterruptedException {
    if (options.rateBytesPerSecond() <= 0) {
      return;
    }
    long due = startNanos + bytesDone * 1_000_000_000L / options.rateBytesPerSecond();
    long wait = due - clock.getAsLong();
    if (wait > 0) {
      pause.pauseNanos(wait);
    }
  }

  private boolean differs() {
    synchronized (tallies) {
      return tallies.values().stream().anyMatch(t -> !t.regions.isEmpty());
    }
  }

  private void repair() throws Exception {
    Map<String, List<long[]>> regions = new LinkedHashMap<>();
    synchronized (tallies) {
      tallies.forEach(
          (node, t) -> {
            if (!t.regions.isEmpty()) {
              regions.put(node, List.copyOf(t.regions));
            }
          });
    }
    await(port.repair(regions));
    LOG.info("event=verify_repair volume={} backups={}", port.volume(), regions.keySet());
    long deadline = clock.getAsLong() + options.repairTimeoutNanos();
    while (true) {
      Map<String, String> states = await(port.replicas());
      if (regions.keySet().stream().allMatch(n -> "IN_SYNC".equals(states.get(n)))) {
        break;
      }
      if (clock.getAsLong() > deadline) {
        throw new TimeoutException("repaired backups not in sync again: " + states);
      }
      pause.pauseNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    synchronized (tallies) {
      regions.keySet().forEach(n -> tallies.get(n).repaired = true);
    }
  }

  private <T> T await(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(batchTimeoutNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer from the volume's replication within the timeout");
    }
  }

  private void state(VerifyState to) {
    VerifyState from = state;
    if (to == VerifyState.DONE || to == VerifyState.FAILED) {
      endNanos = clock.getAsLong();
    }
    state = to;
    LOG.info(
        "event=verify_state volume={} from={} to={} bytes_done={} clean={}",
        port.volume(),
        from,
        to,
        bytesDone,
        !differs());
  }

  private void fail(String why) {
    error = why;
    LOG.warn("event=verify_failed volume={} error=\"{}\"", port.volume(), why);
    state(VerifyState.FAILED);
  }

  public VerifyState state() {
    return state;
  }

  /** A snapshot of progress and results. */
  public VerifyReport report() {
    long now = endNanos >= 0 ? endNanos : clock.getAsLong();
    long elapsed = Math.max(1, now - startNanos);
    long done = bytesDone;
    long total = port.sizeBytes();
    long rate = done * 1_000_000_000L / elapsed;
    long eta = done >= total ? 0 : rate <= 0 ? -1 : (total - done) * 1000 / rate;
    List<VerifyReport.ReplicaResult> replicas = new ArrayList<>();
    synchronized (tallies) {
      tallies.forEach(
          (node, t) ->
              replicas.add(
                  new VerifyReport.ReplicaResult(
                      node, t.verified, t.unverified, merged(t.regions), t.repaired)));
    }
    return new VerifyReport(
        port.volume(),
        state,
        options.repair(),
        total,
        done,
        elapsed / 1_000_000,
        eta,
        rate,
        port.regionBytes(),
        replicas,
        error);
  }

  private static List<VerifyReport.Range> merged(List<long[]> regions) {
    List<VerifyReport.Range> out = new ArrayList<>();
    List<long[]> sorted = new ArrayList<>(regions); // retry passes append out of order
    sorted.sort(java.util.Comparator.comparingLong(r -> r[0]));
    for (long[] r : sorted) {
      VerifyReport.Range last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.offset() + last.length() == r[0]) {
        out.set(out.size() - 1, new VerifyReport.Range(last.offset(), last.length() + r[1]));
      } else {
        out.add(new VerifyReport.Range(r[0], r[1]));
      }
    }
    return out;
  }
}
