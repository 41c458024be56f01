package io.doppel.replication.primary;

import io.doppel.replication.track.CopyTask;
import io.doppel.replication.track.ResyncPlanner;
import java.util.List;

/**
 * One copy round to one replica: the planned tasks, the seq they are based on, what was sent and
 * what the replica applied. Chunks are numbered so the replica applies them in order; resends go
 * back to the last applied index.
 */
final class CopyRun {
  final long syncId;
  final List<CopyTask> tasks;
  final long basisSeq;
  final boolean finalRound;
  final long totalBytes;
  private final long[] sentSizes;
  private int nextIndex;
  private int ackedIndex;
  private long inflightBytes;
  private boolean doneSent;

  CopyRun(long syncId, List<CopyTask> tasks, long basisSeq, boolean finalRound) {
    this.syncId = syncId;
    this.tasks = List.copyOf(tasks);
    this.basisSeq = basisSeq;
    this.finalRound = finalRound;
    this.totalBytes = ResyncPlanner.bytes(tasks);
    this.sentSizes = new long[tasks.size()];
  }

  boolean hasUnsent() {
    return nextIndex < tasks.size();
  }

  CopyTask nextTask() {
    return tasks.get(nextIndex);
  }

  int nextIndex() {
    return nextIndex;
  }

  void sent(long bytes) {
    sentSizes[nextIndex++] = bytes;
    inflightBytes += bytes;
  }

  /** The replica applied {@code applied} chunks; returns the task bytes newly acknowledged. */
  long acked(long applied) {
    long done = 0;
    while (ackedIndex < applied && ackedIndex < nextIndex) {
      inflightBytes -= sentSizes[ackedIndex];
      done += tasks.get(ackedIndex).length();
      ackedIndex++;
    }
    return done;
  }

  /** Resend everything the replica has not applied. */
  void rewind() {
    nextIndex = ackedIndex;
    inflightBytes = 0;
    doneSent = false;
  }

  long inflightBytes() {
    return inflightBytes;
  }

  boolean doneSent() {
    return doneSent;
  }

  void markDoneSent() {
    doneSent = true;
  }
}
