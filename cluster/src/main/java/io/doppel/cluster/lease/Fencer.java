package io.doppel.cluster.lease;

import io.doppel.cluster.NodeId;
import java.util.concurrent.CompletableFuture;

/**
 * The fencing hook (e.g. IPMI power-off): completes {@code true} only when {@code node} is
 * certainly unable to write (powered off). The agent polls the future in {@code doWork}, so the
 * hook may complete on any thread. Used only by {@link io.doppel.cluster.TwoNodePolicy
 * #PROMOTE_AFTER_FENCING}.
 */
@FunctionalInterface
public interface Fencer {
  CompletableFuture<Boolean> fence(NodeId node);

  /** No fencing configured: always fails, so a policy that needs it never promotes. */
  Fencer NONE = node -> CompletableFuture.completedFuture(false);
}
