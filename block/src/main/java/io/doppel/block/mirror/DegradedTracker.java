package io.doppel.block.mirror;

import io.doppel.replication.primary.ReplicaState;
import io.doppel.replication.primary.ReplicationEvent;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists which replicas a primary serves without ({@link MirrorFiles#writeDegraded}), so that if
 * it crashes or is demoted, its tail claim ({@link io.doppel.replication.history.TailClaim}) says
 * truthfully whether its unreplicated tail could hold acknowledged writes. Runs on the stream's
 * agent thread, inside the state change: a replica leaving sync is on disk before the stream
 * completes any write without it. Starts degraded on every replica (none has answered yet).
 */
final class DegradedTracker implements Consumer<ReplicationEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(DegradedTracker.class);

  private final String volume;
  private final MirrorFiles files;
  private final Set<String> degraded;
  private final Consumer<ReplicationEvent> next;
  private volatile boolean retired;

  DegradedTracker(
      String volume, MirrorFiles files, List<String> replicas, Consumer<ReplicationEvent> next)
      throws IOException {
    this.volume = volume;
    this.files = files;
    this.degraded = new TreeSet<>(replicas);
    this.next = next;
    files.writeDegraded(degraded);
  }

  /**
   * The stream is gone (demoted, closed): from now on the files describe a backup's image and its
   * tail claim, and late events of the old stream (its links closing) must not rewrite them.
   */
  void retire() {
    retired = true;
  }

  @Override
  public void accept(ReplicationEvent e) {
    if (!retired && e instanceof ReplicationEvent.StateChanged s) {
      boolean changed =
          s.to() == ReplicaState.IN_SYNC ? degraded.remove(s.replica()) : degraded.add(s.replica());
      if (changed) {
        persist();
      }
    }
    next.accept(e);
  }

  private void persist() {
    try {
      files.writeDegraded(degraded);
    } catch (IOException e) {
      // The image is on the same disk and will fail its own writes; throwing here would tear the
      // stream's state change in half. Logged loudly instead.
      LOG.error("event=degraded_state_unsaved volume={} replicas={}", volume, degraded, e);
    }
  }
}
