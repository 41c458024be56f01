package io.doppel.nfs.drc;

import io.doppel.metrics.MetricRegistry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The duplicate request cache for non-idempotent NFS procedures (Juszczak 1989; Linux nfscache.c).
 * A request is recorded {@link DrcState#IN_PROGRESS} before it executes; its encoded reply is saved
 * when it completes, and a retransmission gets the identical bytes instead of a second execution
 * (which would turn a successful REMOVE into NOENT).
 *
 * <p>Completed entries expire after {@link DrcLimits#minAge}; beyond the entry or byte bound the
 * least recently used completed entries are evicted earlier. In-progress entries are never evicted.
 * One lock guards the map: every operation is a few map steps.
 */
public final class DuplicateRequestCache {
  private final DrcLimits limits;
  private final InstantSource clock;
  private final DrcStats stats;
  private final ReentrantLock lock = new ReentrantLock();
  private final LinkedHashMap<DrcKey, DrcEntry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  public DuplicateRequestCache(DrcLimits limits, InstantSource clock, MetricRegistry metrics) {
    this.limits = limits;
    this.clock = clock;
    this.stats = new DrcStats(metrics);
    stats.registerGauges(metrics, this::size, this::bytes);
  }

  public DrcStats stats() {
    return stats;
  }

  /** Looks a request up; a miss is recorded as in progress (a null reply marks it). */
  public DrcLookup begin(DrcKey key) {
    lock.lock();
    try {
      DrcEntry found = entries.get(key);
      if (found == null) {
        entries.put(key, new DrcEntry(key, null, null));
        prune(clock.instant());
        return new DrcLookup.Miss();
      }
      if (state(found) == DrcState.IN_PROGRESS) {
        stats.inProgressDrops.increment();
        return new DrcLookup.InProgress();
      }
      stats.hits.increment();
      return new DrcLookup.Replay(found.reply());
    } finally {
      lock.unlock();
    }
  }

  /** Saves the reply of a request begun with a miss; returns the entry (for replication). */
  public DrcEntry complete(DrcKey key, byte[] reply) {
    DrcEntry done = new DrcEntry(key, reply.clone(), clock.instant());
    lock.lock();
    try {
      DrcEntry old = entries.put(key, done);
      if (old != null && old.reply() != null) {
        bytes -= old.reply().length;
      }
      bytes += reply.length;
      prune(done.completedAt());
      return done;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a request that produced no reply to cache (garbage, internal failure). */
  public void abandon(DrcKey key) {
    lock.lock();
    try {
      DrcEntry old = entries.get(key);
      if (old != null && state(old) == DrcState.IN_PROGRESS) {
        entries.remove(key);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Installs an entry completed elsewhere (a replicated reply). */
  public void install(DrcEntry entry) {
    complete(entry.key(), entry.reply());
  }

  /** The state of a key, if cached (tests, status). */
  public Optional<DrcState> state(DrcKey key) {
    lock.lock();
    try {
      return Optional.ofNullable(entries.get(key)).map(DuplicateRequestCache::state);
    } finally {
      lock.unlock();
    }
  }

  private static DrcState state(DrcEntry e) {
    return e.reply() == null ? DrcState.IN_PROGRESS : DrcState.DONE;
  }

  public int size() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  public long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  /** Walks from the least recently used end, dropping expired or over-bound completed entries. */
  private void prune(Instant now) {
    Instant expiredBefore = now.minus(limits.minAge());
    Iterator<Map.Entry<DrcKey, DrcEntry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      DrcEntry e = it.next().getValue();
      if (state(e) == DrcState.IN_PROGRESS) {
        continue;
      }
      boolean overBound = entries.size() > limits.maxEntries() || bytes > limits.maxBytes();
      if (!overBound && !e.completedAt().isBefore(expiredBefore)) {
        return;
      }
      it.remove();
      bytes -= e.reply().length;
      stats.evictions.increment();
    }
  }
}
