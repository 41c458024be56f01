package io.doppel.cluster;

import java.util.Optional;

/**
 * What the front ends ask before every write: "do I hold the lease of this resource, in which
 * epoch, until when?" Cheap: a map lookup and a comparison. The agents' own view is read on the
 * agent thread; {@code ClusterNode} publishes a thread-safe copy for the front ends.
 */
public interface LeaseView {
  /** True while this node holds a valid lease for {@code resource} at {@code nowNanos}. */
  boolean isPrimary(ResourceId resource, long nowNanos);

  /** The epoch this node last held or knows of for {@code resource} (stamp it on mutations). */
  Epoch epoch(ResourceId resource);

  /** Until when (this node's clock) the lease is valid, if this node holds it. */
  Optional<Long> validUntilNanos(ResourceId resource);

  /** Registers a listener called on the agent thread after every role change. */
  void subscribe(RoleListener listener);
}
