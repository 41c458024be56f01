package io.doppel.cluster.vip;

import io.doppel.cluster.Epoch;
import io.doppel.cluster.LeaseView;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.Role;
import io.doppel.cluster.RoleListener;
import io.doppel.metrics.MetricRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves virtual addresses with the primary role of their virtual server (issue 4, "Virtual IPs"):
 * on becoming PRIMARY the address is added and announced by gratuitous ARP; on losing the role it
 * is removed. Level-triggered: the wanted state is "the role listener last said PRIMARY and the
 * lease's deadline has not passed", and one thread owned by the manager makes the interface match
 * it, on every role change and every {@code checkInterval}. So the address goes when the lease ends
 * even if the agent thread stops (the published deadline passes), and a failed command is retried
 * after {@code retryDelay}. Commands never run on the agent thread.
 *
 * <p>At start every address is removed once (failures ignored): a node that crashed while primary
 * may still carry it, and a starting node never holds a lease (DESIGN.md rule 6).
 *
 * <p>While an address is held, the check command runs every {@code presenceInterval} (on the same
 * thread, bounded by the command timeout): something outside (an admin, a network manager, {@code
 * ip addr flush}) may remove it, and then clients cannot reach a primary that still has its lease.
 * A missing address is added and announced again; a check that fails changes nothing.
 *
 * <p>A failed add, re-add or announcement goes to the {@link VipFailurePolicy}: a {@code
 * VIP_FAILED} event, retries, and after repeated failed adds the role is handed to a healthy
 * successor. A failed add is followed by one delete, since a timed-out add may have half-happened
 * and a node that gives the role up must not keep the address behind.
 *
 * <p>Metrics: {@code doppel_vip_commands_total{op,outcome}} (op {@code check} has outcomes {@code
 * ok}, {@code missing}, {@code failed}, {@code timeout}), {@code doppel_vip_held}.
 */
public final class VipManager implements RoleListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VipManager.class);

  /** How often a held address is checked unless told otherwise. */
  public static final Duration DEFAULT_PRESENCE_INTERVAL = Duration.ofSeconds(5);

  private final Map<ResourceId, VirtualAddress> addresses = new LinkedHashMap<>();
  private final VipCommands commands;
  private final CommandRunner runner;
  private final LeaseView leases;
  private final LongSupplier clock;
  private final Duration commandTimeout;
  private final MetricRegistry metrics;
  private final Set<ResourceId> rolePrimary = ConcurrentHashMap.newKeySet();
  private final Set<ResourceId> held = ConcurrentHashMap.newKeySet();
  private final Map<String, io.doppel.metrics.Counter> counters = new ConcurrentHashMap<>();
  private final Map<ResourceId, Long> retryAfter = new ConcurrentHashMap<>();
  private final Map<ResourceId, Long> nextPresenceCheck = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor;
  private final java.util.concurrent.ExecutorService announcer;
  private final long retryDelayNanos;
  private final long presenceIntervalNanos;
  private final VipFailurePolicy failures;
  private volatile boolean closed;

  /** As the full constructor, checking a held address's presence every 5 seconds. */
  public VipManager(
      List<VirtualAddress> addresses,
      VipCommands commands,
      CommandRunner runner,
      LeaseView leases,
      LongSupplier clock,
      Duration commandTimeout,
      Duration checkInterval,
      MetricRegistry metrics,
      java.util.concurrent.ThreadFactory threads) {
    this(
        addresses,
        commands,
        runner,
        leases,
        clock,
        commandTimeout,
        checkInterval,
        DEFAULT_PRESENCE_INTERVAL,
        metrics,
        threads);
  }

  /** As the full constructor, without events or role release on failures. */
  public VipManager(
      List<VirtualAddress> addresses,
      VipCommands commands,
      CommandRunner runner,
      LeaseView leases,
      LongSupplier clock,
      Duration commandTimeout,
      Duration checkInterval,
      Duration presenceInterval,
      MetricRegistry metrics,
      java.util.concurrent.ThreadFactory threads) {
    this(
        addresses,
        commands,
        runner,
        leases,
        clock,
        commandTimeout,
        checkInterval,
        presenceInterval,
        VipFailurePolicy.NONE,
        metrics,
        threads);
  }

  /**
   * @param clock nanoseconds on the same clock as the {@link LeaseView}'s deadlines
   * @param checkInterval how often the deadlines are checked without a role change
   * @param presenceInterval how often a held address is checked to still be on its interface
   *     (measured on {@code clock}); zero disables the check
   * @param failures reports failed commands and decides when to hand the role over
   * @param threads makes the manager's one thread (the runner supplies it: no ambient threads)
   */
  public VipManager(
      List<VirtualAddress> addresses,
      VipCommands commands,
      CommandRunner runner,
      LeaseView leases,
      LongSupplier clock,
      Duration commandTimeout,
      Duration checkInterval,
      Duration presenceInterval,
      VipFailurePolicy failures,
      MetricRegistry metrics,
      java.util.concurrent.ThreadFactory threads) {
    if (presenceInterval.isNegative()) {
      throw new IllegalArgumentException("presence check interval must not be negative");
    }
    this.presenceIntervalNanos = presenceInterval.toNanos();
    this.failures = failures;
    addresses.forEach(a -> this.addresses.put(a.resource(), a));
    this.commands = commands;
    this.runner = runner;
    this.leases = leases;
    this.clock = clock;
    this.commandTimeout = commandTimeout;
    this.metrics = metrics;
    this.retryDelayNanos = Math.max(checkInterval.toNanos(), Duration.ofSeconds(1).toNanos());
    metrics.gauge("doppel_vip_held", "Virtual addresses this node holds", Map.of(), held::size);
    // The manager owns the one thread that runs ip/arping, so the agent never waits on them.
    this.executor = Executors.newSingleThreadScheduledExecutor(threads);
    // arping takes seconds (one packet a second): it must not delay a removal behind it.
    this.announcer = Executors.newSingleThreadExecutor(threads);
    executor.execute(this::removeStale);
    long every = checkInterval.toNanos();
    executor.scheduleWithFixedDelay(this::reconcileAll, every, every, TimeUnit.NANOSECONDS);
  }

  /** Subscribes to {@code leases}; role changes then arrive on the agent thread. */
  public VipManager start() {
    leases.subscribe(this);
    return this;
  }

  @Override
  public void roleChanged(ResourceId resource, Role from, Role to, Epoch epoch) {
    if (!addresses.containsKey(resource)) {
      return;
    }
    if (to == Role.PRIMARY) {
      rolePrimary.add(resource);
    } else {
      rolePrimary.remove(resource);
      failures.roleLost(resource);
    }
    retryAfter.remove(resource);
    if (!closed) {
      executor.execute(() -> reconcile(resource));
    }
  }

  /** The resources whose address this node currently carries. */
  public Set<ResourceId> held() {
    return Set.copyOf(held);
  }

  /** The configured address of {@code resource}, if it is a virtual server with one. */
  public Optional<VirtualAddress> address(ResourceId resource) {
    return Optional.ofNullable(addresses.get(resource));
  }

  private boolean wanted(ResourceId r, long now) {
    if (closed || !rolePrimary.contains(r)) {
      return false;
    }
    Optional<Long> until = leases.validUntilNanos(r);
    return until.isEmpty() || now < until.get(); // empty: the snapshot lags the listener
  }

  private void reconcileAll() {
    for (ResourceId r : addresses.keySet()) {
      reconcile(r);
    }
  }

  private void reconcile(ResourceId r) {
    try {
      long now = clock.getAsLong();
      boolean want = wanted(r, now);
      if (want == held.contains(r)) {
        if (want) {
          checkPresence(r, now);
        }
        return;
      }
      if (!want) {
        drop(r, "role lost or lease ended");
      } else if (now >= retryAfter.getOrDefault(r, Long.MIN_VALUE)) {
        take(r, now, "add");
      }
    } catch (RuntimeException e) {
      LOG.warn("event=vip_error resource={} error={}", r, e.toString(), e);
    }
  }

  /** Adds and announces {@code r}'s address; {@code op} names it for a failure report. */
  private void take(ResourceId r, long now, String op) {
    VirtualAddress a = addresses.get(r);
    CommandRunner.Result added = run("add", VipCommands.expand(commands.add(), a), a);
    if (!added.ok()) {
      run("del", VipCommands.expand(commands.delete(), a), a); // undo a half-done add
      retryAfter.put(r, now + retryDelayNanos);
      failures.addFailed(a, op, added, now);
      return;
    }
    failures.addSucceeded(r);
    held.add(r);
    nextPresenceCheck.put(r, now + presenceIntervalNanos);
    LOG.info("event=vip_added resource={} address={} interface={}", r, a.cidr(), a.interfaceName());
    List<String> announce = VipCommands.expand(commands.announce(), a);
    if (!announce.isEmpty()) {
      announcer.execute(
          () -> {
            // arping exits 1 when nobody answers a gratuitous ARP: that is normal. A timeout, a
            // command that cannot start (-1) or an error status (2 and up) is a failure.
            CommandRunner.Result res = runner.run(announce, Map.of(), commandTimeout);
            boolean failed = res.timedOut() || res.exitCode() < 0 || res.exitCode() > 1;
            count("announce", res.timedOut() ? "timeout" : failed ? "failed" : "ok");
            if (failed) {
              failures.announceFailed(a, res);
            }
            LOG.debug("event=vip_announced resource={} exit={}", r, res.exitCode());
          });
    }
  }

  private void drop(ResourceId r, String why) {
    VirtualAddress a = addresses.get(r);
    run("del", VipCommands.expand(commands.delete(), a), a);
    held.remove(r); // even when del failed: retrying cannot be worse than a stale belief
    nextPresenceCheck.remove(r);
    LOG.info("event=vip_removed resource={} address={} reason=\"{}\"", r, a.cidr(), why);
  }

  /**
   * Runs the check command for held {@code r} when it is due; re-adds the address when the check
   * says it is gone. A failed check is only counted and logged: it cannot tell either way.
   */
  private void checkPresence(ResourceId r, long now) {
    VirtualAddress a = addresses.get(r);
    List<String> argv = VipCommands.expand(commands.check(), a);
    if (presenceIntervalNanos == 0
        || argv.isEmpty()
        || now < nextPresenceCheck.getOrDefault(r, Long.MIN_VALUE)) {
      return;
    }
    nextPresenceCheck.put(r, now + presenceIntervalNanos);
    CommandRunner.Result res = runner.run(argv, Map.of(), commandTimeout);
    if (!res.ok()) {
      count("check", res.timedOut() ? "timeout" : "failed");
      LOG.warn(
          "event=vip_check_failed resource={} address={} exit={} timed_out={} output=\"{}\"",
          r,
          a.cidr(),
          res.exitCode(),
          res.timedOut(),
          res.output());
      return;
    }
    if (!res.output().isBlank()) {
      count("check", "ok");
      return;
    }
    count("check", "missing");
    LOG.warn(
        "event=vip_missing resource={} address={} interface={} action=re_add",
        r,
        a.cidr(),
        a.interfaceName());
    held.remove(r); // take() adds it back, or leaves it to the retry path when the add fails
    retryAfter.remove(r);
    take(r, now, "re_add");
  }

  private void removeStale() {
    for (VirtualAddress a : addresses.values()) {
      CommandRunner.Result res =
          runner.run(VipCommands.expand(commands.delete(), a), Map.of(), commandTimeout);
      LOG.debug("event=vip_cleanup resource={} exit={}", a.resource(), res.exitCode());
    }
  }

  private CommandRunner.Result run(String op, List<String> argv, VirtualAddress a) {
    CommandRunner.Result res = runner.run(argv, Map.of(), commandTimeout);
    count(op, res.ok() ? "ok" : res.timedOut() ? "timeout" : "failed");
    if (!res.ok()) {
      LOG.warn(
          "event=vip_command_failed op={} resource={} address={} exit={} timed_out={} output=\"{}\"",
          op,
          a.resource(),
          a.cidr(),
          res.exitCode(),
          res.timedOut(),
          res.output());
    }
    return res;
  }

  private void count(String op, String outcome) {
    counters
        .computeIfAbsent(
            op + "/" + outcome,
            k ->
                metrics.counter(
                    "doppel_vip_commands_total",
                    "Virtual address commands run",
                    Map.of("op", op, "outcome", outcome)))
        .increment();
  }

  /** Removes every address this node holds (bounded by the command timeout), then stops. */
  @Override
  public synchronized void close() {
    if (executor.isShutdown()) {
      return;
    }
    closed = true;
    try {
      executor.submit(() -> new HashSet<>(held).forEach(r -> drop(r, "shutdown"))).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.RejectedExecutionException e) {
      LOG.warn("event=vip_close_failed error={}", e.toString());
    }
    executor.shutdownNow();
    announcer.shutdownNow();
  }
}
