package io.doppel.cluster.vip;

import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.EventSink;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does when it holds the role of a virtual server but cannot put its address on the
 * wire (DESIGN.md "Virtual IPs: failed commands"). Every failure is a typed {@code VIP_FAILED}
 * event. A failed add is retried; after {@code failuresBeforeRelease} consecutive failures the role
 * is handed to a healthy successor, because a primary that clients cannot reach serves nobody while
 * its lease keeps every other node from serving. Without such a successor the role stays (releasing
 * it would leave no primary at all, and with two nodes and no witness nobody could take it again),
 * and the add keeps being retried. A release is tried at most once per {@code releaseCooldown} per
 * resource, so that a fault shared by every node (say a misspelt interface) cannot bounce the role
 * between them more than once a cooldown. A failed announcement (gratuitous ARP) keeps the role:
 * the address is there and clients find it when their ARP entries expire.
 *
 * <p>Events are rate-limited: the first failure of a streak, every release decision, and every
 * {@value #REPORT_EVERY}th failure after that. Thread-safe: the manager's command and announcer
 * threads call it.
 */
public final class VipFailurePolicy {
  private static final Logger LOG = LoggerFactory.getLogger(VipFailurePolicy.class);

  /** Consecutive failed adds before the role is handed over, unless told otherwise. */
  public static final int DEFAULT_FAILURES_BEFORE_RELEASE = 3;

  /** The shortest time between two releases of one resource, unless told otherwise. */
  public static final Duration DEFAULT_RELEASE_COOLDOWN = Duration.ofSeconds(60);

  static final int REPORT_EVERY = 60;

  /** Retry only, report nothing: for a manager without a cluster agent (tests). */
  public static final VipFailurePolicy NONE =
      new VipFailurePolicy(
          new NodeId("none"), EventSink.NONE, r -> false, Integer.MAX_VALUE, Duration.ZERO);

  /** Hands a role over; the cluster agent answers on its own thread. */
  @FunctionalInterface
  public interface RoleReleaser {
    /**
     * Hands {@code resource} to a healthy successor; false (changing nothing) when this node does
     * not hold it or no successor can take it.
     */
    boolean release(ResourceId resource);
  }

  private final NodeId self;
  private final EventSink events;
  private final RoleReleaser releaser;
  private final int failuresBeforeRelease;
  private final long releaseCooldownNanos;
  private final Map<ResourceId, Integer> failures = new ConcurrentHashMap<>();
  private final Map<ResourceId, Long> noReleaseUntil = new ConcurrentHashMap<>();

  /**
   * @param events where {@code VIP_FAILED} goes (the node's event bus)
   * @param failuresBeforeRelease consecutive failed adds before the role is handed over (≥ 1)
   * @param releaseCooldown the shortest time between two releases of one resource
   */
  public VipFailurePolicy(
      NodeId self,
      EventSink events,
      RoleReleaser releaser,
      int failuresBeforeRelease,
      Duration releaseCooldown) {
    if (failuresBeforeRelease < 1) {
      throw new IllegalArgumentException("failuresBeforeRelease must be at least 1");
    }
    this.self = self;
    this.events = events;
    this.releaser = releaser;
    this.failuresBeforeRelease = failuresBeforeRelease;
    this.releaseCooldownNanos = releaseCooldown.toNanos();
  }

  /**
   * An add ({@code operation} "add", or "re_add" after the presence check found the address gone)
   * failed while this node holds the role; returns the action taken.
   */
  String addFailed(VirtualAddress a, String operation, CommandRunner.Result res, long nowNanos) {
    ResourceId r = a.resource();
    int n = failures.merge(r, 1, Integer::sum);
    String action = "retry";
    if (n >= failuresBeforeRelease && nowNanos >= noReleaseUntil.getOrDefault(r, Long.MIN_VALUE)) {
      noReleaseUntil.put(r, nowNanos + releaseCooldownNanos);
      action = releaser.release(r) ? "release_role" : "keep_role";
    }
    if (n == 1 || !action.equals("retry") || n % REPORT_EVERY == 0) {
      report(a, operation, res, n, action);
    }
    return action;
  }

  /** The address is on its interface: a new streak starts with the next failure. */
  void addSucceeded(ResourceId r) {
    failures.remove(r);
  }

  /** The role went away: the streak ends (a later promotion starts afresh). */
  void roleLost(ResourceId r) {
    failures.remove(r);
  }

  /** An announcement failed; the role is kept. */
  void announceFailed(VirtualAddress a, CommandRunner.Result res) {
    report(a, "announce", res, 0, "keep_role");
  }

  private void report(
      VirtualAddress a, String operation, CommandRunner.Result res, int n, String action) {
    LOG.warn(
        "event=vip_failed resource={} address={} op={} exit={} timed_out={} failures={} action={}",
        a.resource(),
        a.cidr(),
        operation,
        res.exitCode(),
        res.timedOut(),
        n,
        action);
    events.emit(
        new ClusterEvent.VipFailed(
            self, a.resource(), a.cidr(), operation, res.exitCode(), res.timedOut(), n, action));
  }
}
