package io.doppel.cluster.vip;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.Epoch;
import io.doppel.cluster.LeaseView;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.Role;
import io.doppel.cluster.RoleListener;
import io.doppel.metrics.MetricRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VipManagerTest {
  static final ResourceId VS1 = new ResourceId(ResourceId.Kind.VIRTUAL_SERVER, "vs1");
  static final ResourceId OTHER = new ResourceId(ResourceId.Kind.VIRTUAL_SERVER, "vs2");
  static final Duration WAIT = Duration.ofSeconds(5);

  final List<String> ran = new CopyOnWriteArrayList<>();
  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  final FakeLeases leases = new FakeLeases();
  final java.util.concurrent.atomic.AtomicInteger clockReads =
      new java.util.concurrent.atomic.AtomicInteger();
  volatile int addExit;
  volatile int checkExit;
  volatile CommandRunner.Result announceResult = new CommandRunner.Result(1, false, "");
  final List<ClusterEvent> events = new CopyOnWriteArrayList<>();
  final List<ResourceId> released = new CopyOnWriteArrayList<>();
  volatile boolean successorAvailable = true;
  volatile String checkOutput = "2: eth0    inet 10.99.0.10/24 scope global eth0";
  MetricRegistry metrics;
  VipManager vip;

  /** A lease view whose deadline the test sets. */
  static final class FakeLeases implements LeaseView {
    volatile Optional<Long> until = Optional.empty();
    final List<RoleListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public boolean isPrimary(ResourceId r, long now) {
      return until.map(u -> now < u).orElse(false);
    }

    @Override
    public Epoch epoch(ResourceId r) {
      return new Epoch(1);
    }

    @Override
    public Optional<Long> validUntilNanos(ResourceId r) {
      return until;
    }

    @Override
    public void subscribe(RoleListener l) {
      listeners.add(l);
    }

    void change(ResourceId r, Role from, Role to) {
      listeners.forEach(l -> l.roleChanged(r, from, to, new Epoch(1)));
    }
  }

  /** Polls {@code condition} until it holds or the deadline passes (then fails). */
  static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
  }

  @BeforeEach
  void start() {
    metrics = new MetricRegistry();
    vip = create(null); // the constructor the server uses: presence checked every 5 s
  }

  /** ip and arping as the test's fields say: add and check results, the announcement's. */
  private CommandRunner fakeRunner() {
    return (argv, env, timeout) -> {
      String line = String.join(" ", argv);
      ran.add(line);
      if (line.startsWith("ip -o addr show")) {
        return new CommandRunner.Result(checkExit, false, checkExit == 0 ? checkOutput : "");
      }
      if (line.startsWith("arping")) {
        return announceResult;
      }
      int exit = line.startsWith("ip addr add") ? addExit : 0;
      return new CommandRunner.Result(exit, false, "");
    };
  }

  /** A started manager; {@code presence} null selects the constructor without it. */
  private VipManager create(Duration presence) {
    return create(presence, null);
  }

  /** As {@link #create(Duration)}, with {@code failures} (null: the constructors without it). */
  private VipManager create(Duration presence, VipFailurePolicy failures) {
    CommandRunner fake = fakeRunner();
    List<VirtualAddress> addresses = List.of(new VirtualAddress(VS1, "10.99.0.10/24", "eth0"));
    java.util.function.LongSupplier counted =
        () -> {
          clockReads.incrementAndGet();
          return clock.get();
        };
    Duration timeout = Duration.ofSeconds(1);
    Duration every = Duration.ofMillis(10);
    java.util.concurrent.ThreadFactory threads = Thread.ofPlatform().daemon().factory();
    VipManager m =
        failures != null
            ? new VipManager(
                addresses,
                VipCommands.DEFAULTS,
                fake,
                leases,
                counted,
                timeout,
                every,
                presence,
                failures,
                metrics,
                threads)
            : presence == null
                ? new VipManager(
                    addresses,
                    VipCommands.DEFAULTS,
                    fake,
                    leases,
                    counted,
                    timeout,
                    every,
                    metrics,
                    threads)
                : new VipManager(
                    addresses,
                    VipCommands.DEFAULTS,
                    fake,
                    leases,
                    counted,
                    timeout,
                    every,
                    presence,
                    metrics,
                    threads);
    m.start();
    waitFor(() -> ran.contains("ip addr del 10.99.0.10/24 dev eth0"));
    ran.clear(); // the start-up cleanup
    return m;
  }

  /** Replaces the manager with one that checks presence every 100 ms of the test clock. */
  private void checkingEvery100ms() {
    vip.close();
    leases.listeners.clear();
    metrics = new MetricRegistry();
    ran.clear();
    vip = create(Duration.ofMillis(100));
  }

  /** Promotes, waits for add and announce, then forgets those commands. */
  private void promoteAndSettle() {
    promote();
    waitFor(() -> vip.held().contains(VS1) && ran.size() >= 2); // added and announced
    ran.clear();
  }

  /** Waits for several passes of the manager's loop (each reads the clock). */
  private void waitForPasses() {
    int seen = clockReads.get();
    waitFor(() -> clockReads.get() > seen + 5);
  }

  @AfterEach
  void stop() {
    vip.close();
  }

  private void promote() {
    leases.until = Optional.of(clock.get() + 1_500_000_000L);
    leases.change(VS1, Role.CANDIDATE, Role.PRIMARY);
  }

  @Test
  void addsAndAnnouncesOnPromotion() {
    promote();
    waitFor(() -> ran.size() >= 2);
    waitFor(() -> vip.held().contains(VS1));
    assertThat(ran)
        .containsExactly(
            "ip addr add 10.99.0.10/24 dev eth0",
            "arping -U -c 3 -i eth0 -S 10.99.0.10 10.99.0.10");
    assertThat(vip.held()).containsExactly(VS1);
  }

  @Test
  void removesOnDemotion() {
    promote();
    waitFor(() -> vip.held().contains(VS1) && ran.size() >= 2); // added and announced
    leases.until = Optional.empty();
    leases.change(VS1, Role.PRIMARY, Role.FOLLOWER);
    waitFor(() -> vip.held().isEmpty());
    assertThat(ran).last().isEqualTo("ip addr del 10.99.0.10/24 dev eth0");
  }

  @Test
  void removesWhenTheLeaseDeadlinePassesWithoutAnyMessage() {
    promote();
    waitFor(() -> vip.held().contains(VS1) && ran.size() >= 2); // added and announced
    clock.addAndGet(1_500_000_000L); // the agent said nothing: only the deadline passed
    waitFor(() -> vip.held().isEmpty());
    assertThat(ran).last().isEqualTo("ip addr del 10.99.0.10/24 dev eth0");
  }

  @Test
  void ignoresOtherResourcesAndRetriesAFailedAdd() {
    leases.change(OTHER, Role.CANDIDATE, Role.PRIMARY);
    addExit = 2;
    promote();
    waitFor(() -> ran.contains("ip addr add 10.99.0.10/24 dev eth0"));
    assertThat(vip.held()).isEmpty();
    assertThat(metrics.scrape()).contains("op=\"add\"", "outcome=\"failed\"");
    addExit = 0;
    clock.addAndGet(1_000_000_000L); // past the retry delay, still inside the lease
    waitFor(() -> vip.held().contains(VS1));
    assertThat(ran).noneMatch(l -> l.contains("vs2"));
  }

  @Test
  void closeRemovesHeldAddresses() {
    promote();
    waitFor(() -> vip.held().contains(VS1) && ran.size() >= 2); // added and announced
    vip.close();
    assertThat(vip.held()).isEmpty();
    assertThat(ran).last().isEqualTo("ip addr del 10.99.0.10/24 dev eth0");
  }

  @Test
  void reAddsAndReannouncesAnAddressRemovedFromOutside() {
    checkingEvery100ms();
    promoteAndSettle();
    checkOutput = ""; // someone ran "ip addr flush"
    clock.addAndGet(200_000_000L);
    waitFor(() -> ran.size() >= 3);
    waitForPasses();
    assertThat(ran)
        .containsExactly(
            "ip -o addr show dev eth0 to 10.99.0.10",
            "ip addr add 10.99.0.10/24 dev eth0",
            "arping -U -c 3 -i eth0 -S 10.99.0.10 10.99.0.10");
    assertThat(vip.held()).containsExactly(VS1);
    assertThat(metrics.scrape())
        .contains("doppel_vip_commands_total{op=\"check\",outcome=\"missing\"} 1");
  }

  @Test
  void aPresentAddressIsLeftAlone() {
    checkingEvery100ms();
    promoteAndSettle();
    clock.addAndGet(200_000_000L);
    waitFor(() -> !ran.isEmpty());
    waitForPasses();
    assertThat(ran).containsExactly("ip -o addr show dev eth0 to 10.99.0.10");
    assertThat(vip.held()).containsExactly(VS1);
    assertThat(metrics.scrape()).contains("op=\"check\",outcome=\"ok\"");
  }

  @Test
  void aFailedCheckChangesNothing() {
    checkingEvery100ms();
    promoteAndSettle();
    checkExit = 1; // e.g. "Device does not exist": cannot tell, so do nothing
    clock.addAndGet(200_000_000L);
    waitFor(() -> !ran.isEmpty());
    waitForPasses();
    assertThat(ran).containsExactly("ip -o addr show dev eth0 to 10.99.0.10");
    assertThat(vip.held()).containsExactly(VS1);
    assertThat(metrics.scrape()).contains("op=\"check\",outcome=\"failed\"");
  }

  @Test
  void neverChecksWhileNotPrimary() {
    checkingEvery100ms();
    clock.addAndGet(200_000_000L); // never promoted
    waitForPasses();
    promoteAndSettle();
    leases.until = Optional.empty();
    leases.change(VS1, Role.PRIMARY, Role.FOLLOWER);
    waitFor(() -> vip.held().isEmpty());
    clock.addAndGet(200_000_000L); // demoted
    waitForPasses();
    assertThat(ran).containsExactly("ip addr del 10.99.0.10/24 dev eth0");
    assertThat(metrics.scrape()).doesNotContain("op=\"check\"");
  }

  @Test
  void theDefaultCheckFollowsTheAddTemplate() {
    assertThat(new VipCommands("ip addr add {address} dev {interface}", "", "x").check())
        .isEqualTo(VipCommands.IP_CHECK);
    assertThat(new VipCommands("touch /m/{ip}", "", "rm -f /m/{ip}").check()).isEmpty();
    VirtualAddress a = new VirtualAddress(VS1, "10.0.0.1/16", "br0");
    assertThat(VipCommands.expand(VipCommands.DEFAULTS.check(), a))
        .containsExactly("ip", "-o", "addr", "show", "dev", "br0", "to", "10.0.0.1");
  }

  @Test
  void expandsTemplates() {
    VirtualAddress a = new VirtualAddress(VS1, "10.0.0.1/16", "br0");
    assertThat(VipCommands.expand(" touch  /m/{ip}-{interface} {address} ", a))
        .containsExactly("touch", "/m/10.0.0.1-br0", "10.0.0.1/16");
    assertThat(VipCommands.expand("", a)).isEmpty();
  }

  /** A manager reporting to {@link #events} and releasing into {@link #released}. */
  private void withFailurePolicy(Duration presence) {
    vip.close();
    leases.listeners.clear();
    metrics = new MetricRegistry();
    ran.clear();
    VipFailurePolicy policy =
        new VipFailurePolicy(
            new NodeId("a"),
            events::add,
            r -> {
              released.add(r);
              return successorAvailable;
            },
            3,
            Duration.ofSeconds(60));
    vip = create(presence == null ? Duration.ZERO : presence, policy);
  }

  private List<ClusterEvent.VipFailed> vipFailed() {
    return events.stream()
        .filter(ClusterEvent.VipFailed.class::isInstance)
        .map(ClusterEvent.VipFailed.class::cast)
        .toList();
  }

  private long adds() {
    return ran.stream().filter(l -> l.startsWith("ip addr add")).count();
  }

  /** Lets the manager try {@code n} more adds, one retry delay (1 s of test clock) apart. */
  private void failedAdds(int n) {
    for (int i = 0; i < n; i++) {
      long before = adds();
      clock.addAndGet(1_000_000_000L);
      waitFor(() -> adds() > before);
      waitForPasses();
    }
  }

  /** Promotes for an hour of test clock and waits for the first add to be tried and handled. */
  private void promoteAndFirstAdd() {
    long before = adds();
    promoteForLong();
    waitFor(() -> adds() > before);
    waitForPasses();
  }

  private void promoteForLong() {
    leases.until = Optional.of(clock.get() + 3_600_000_000_000L);
    leases.change(VS1, Role.CANDIDATE, Role.PRIMARY);
  }

  @Test
  void repeatedFailedAddsReportVipFailedAndHandTheRoleToASuccessor() {
    withFailurePolicy(null);
    addExit = 2; // "RTNETLINK answers: Cannot assign requested address"
    promoteAndFirstAdd();
    assertThat(vipFailed()).hasSize(1);
    ClusterEvent.VipFailed first = vipFailed().get(0);
    assertThat(first.resource()).isEqualTo(VS1);
    assertThat(first.address()).isEqualTo("10.99.0.10/24");
    assertThat(first.operation()).isEqualTo("add");
    assertThat(first.exitCode()).isEqualTo(2);
    assertThat(first.failures()).isEqualTo(1);
    assertThat(first.action()).isEqualTo("retry");
    assertThat(first.type()).isEqualTo("VIP_FAILED");
    // a failed add is undone at once: a half-done add must not stay behind
    assertThat(ran)
        .containsSubsequence(
            "ip addr add 10.99.0.10/24 dev eth0", "ip addr del 10.99.0.10/24 dev eth0");
    assertThat(released).isEmpty();

    failedAdds(2);
    assertThat(released).containsExactly(VS1);
    assertThat(vipFailed())
        .extracting(ClusterEvent.VipFailed::action)
        .containsExactly("retry", "release_role");
    assertThat(vipFailed().get(1).failures()).isEqualTo(3);
    assertThat(vip.held()).isEmpty();
    assertThat(metrics.scrape()).contains("op=\"add\",outcome=\"failed\"} 3");
  }

  @Test
  void withoutASuccessorTheRoleIsKeptAndReleaseIsNotRetriedWithinTheCooldown() {
    withFailurePolicy(null);
    successorAvailable = false;
    addExit = 2;
    promoteAndFirstAdd();
    failedAdds(4);
    assertThat(released).containsExactly(VS1); // asked once; the cooldown (60 s) holds the rest
    assertThat(vipFailed())
        .extracting(ClusterEvent.VipFailed::action)
        .containsExactly("retry", "keep_role"); // failures 2, 4 and 5 are not reported again
    addExit = 0;
    clock.addAndGet(1_000_000_000L);
    waitFor(() -> vip.held().contains(VS1)); // retried all along: the add works again
  }

  @Test
  void aTimedOutAnnouncementIsReportedAndTheAddressKept() {
    withFailurePolicy(null);
    announceResult = new CommandRunner.Result(-1, true, "");
    promoteForLong();
    waitFor(() -> !vipFailed().isEmpty());
    ClusterEvent.VipFailed e = vipFailed().get(0);
    assertThat(e.operation()).isEqualTo("announce");
    assertThat(e.timedOut()).isTrue();
    assertThat(e.action()).isEqualTo("keep_role");
    assertThat(vip.held()).containsExactly(VS1);
    assertThat(released).isEmpty();
    assertThat(metrics.scrape()).contains("op=\"announce\",outcome=\"timeout\"");
  }

  @Test
  void aFailedReAddIsReportedAsReAdd() {
    withFailurePolicy(Duration.ofMillis(100));
    promoteForLong();
    waitFor(() -> vip.held().contains(VS1) && ran.size() >= 2);
    checkOutput = ""; // removed from outside
    addExit = 2; // and cannot be put back
    clock.addAndGet(200_000_000L);
    waitFor(() -> !vipFailed().isEmpty());
    assertThat(vipFailed().get(0).operation()).isEqualTo("re_add");
    assertThat(vip.held()).isEmpty();
  }

  @Test
  void demotionEndsAStreak() {
    withFailurePolicy(null);
    addExit = 2;
    promoteAndFirstAdd();
    failedAdds(1);
    leases.until = Optional.empty();
    leases.change(VS1, Role.PRIMARY, Role.FOLLOWER);
    promoteAndFirstAdd(); // failure 1 of a new streak
    failedAdds(1); // failure 2: a streak carried over would be at 4 and have released
    assertThat(released).isEmpty();
    assertThat(vipFailed()).extracting(ClusterEvent.VipFailed::failures).containsExactly(1, 1);
  }
}
