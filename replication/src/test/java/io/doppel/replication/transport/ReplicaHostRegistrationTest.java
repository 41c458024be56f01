package io.doppel.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.replica.RecordApplier;
import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.replica.ReplicaConfig;
import io.doppel.replication.replica.ReplicaStats;
import io.doppel.replication.wire.MessageSink;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.ReplicationMessage.Append;
import io.doppel.replication.wire.ReplicationMessage.Probe;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A retired replica agent (role change) must stop: after {@link ReplicaHost#unregister} or a
 * replacing {@link ReplicaHost#register} it gets no more ticks and no more messages.
 *
 * <p>Ticks are observed through the applier's timed sync: a record is applied while the clock
 * stands still, then the clock jumps past the sync interval, so any tick of that agent syncs it. A
 * second host on the same single agent thread counts its own ticks as the time reference.
 */
class ReplicaHostRegistrationTest {
  private static final String RESOURCE = "vol0";
  private static final long EPOCH = 1;
  private static final long SYNC_INTERVAL = 1_000_000L;
  private static final TransportConfig CONFIG =
      new TransportConfig(
          io.doppel.replication.wire.WireLimits.DEFAULT, 1 << 20, 1_000_000L, 2_000_000L, 500_000L);

  private final OrderedExecutor executor = new OrderedExecutor(1, r -> new Thread(r, "replica"));
  private final AtomicLong now = new AtomicLong();
  private final ReplicaHost host = new ReplicaHost(executor, now::get, CONFIG);
  private final AtomicLong referenceTicks = new AtomicLong();
  private final ReplicaHost reference =
      new ReplicaHost(executor, referenceTicks::incrementAndGet, CONFIG);
  private final List<ReplicationMessage> primarySide = new CopyOnWriteArrayList<>();
  private final MessageSink toPrimary = primarySide::add;

  /** Counts timed syncs; everything else is accepted and forgotten. */
  private static final class CountingImage implements RecordApplier {
    final AtomicInteger syncs = new AtomicInteger();

    @Override
    public void apply(Record record, boolean durable) {}

    @Override
    public void sync() {
      syncs.incrementAndGet();
    }

    @Override
    public void beginCopy() {}

    @Override
    public void applyCopy(Record chunk) {}

    @Override
    public void endCopy(History history) {}
  }

  /** An agent and what it sent towards the primary. */
  private record Agent(
      ReplicaApplier applier, CountingImage image, List<ReplicationMessage> sent) {}

  private static Agent agent() {
    CountingImage image = new CountingImage();
    List<ReplicationMessage> sent = new CopyOnWriteArrayList<>();
    ReplicaApplier a =
        new ReplicaApplier(
            RESOURCE,
            History.EMPTY,
            false,
            EPOCH,
            image,
            sent::add,
            new ReplicaConfig(SYNC_INTERVAL, 1L << 30, 0),
            new ReplicaStats(new MetricRegistry(), RESOURCE));
    return new Agent(a, image, sent);
  }

  @AfterEach
  void tearDown() {
    host.close();
    reference.close();
    executor.close();
  }

  @Test
  void unregisteredAgentGetsNoMoreTicksOrMessages() throws Exception {
    reference.register("ref", agent().applier());
    Agent old = agent();
    host.register(RESOURCE, old.applier());
    appendOneRecord();
    assertThat(receivedSeq()).isEqualTo(1);
    int sentBefore = old.sent().size();

    host.unregister(RESOURCE);
    host.unregister(RESOURCE); // idempotent
    now.addAndGet(10 * SYNC_INTERVAL); // any tick of the old agent would sync now
    host.onMessage(new Probe(RESOURCE, EPOCH), toPrimary); // would be answered with a Hello
    awaitReferenceTicks(100);

    assertThat(old.image().syncs).hasValue(0);
    assertThat(old.sent()).hasSize(sentBefore);
    assertThat(host.call(RESOURCE, a -> a).get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void registeringAgainReplacesTheOldAgentAndStopsItsTicks() throws Exception {
    reference.register("ref", agent().applier());
    Agent old = agent();
    host.register(RESOURCE, old.applier());
    appendOneRecord();
    // the append is handled on the agent's thread: count what the old agent sent once it acked
    awaitTrue(() -> !old.sent().isEmpty(), "the old agent's ack");
    int sentBefore = old.sent().size();

    Agent fresh = agent();
    host.register(RESOURCE, fresh.applier());
    appendOneRecord(); // reaches the new agent (it starts from an empty history)
    assertThat(host.call(RESOURCE, a -> a).get(5, TimeUnit.SECONDS)).isSameAs(fresh.applier());
    assertThat(receivedSeq()).isEqualTo(1);
    now.addAndGet(10 * SYNC_INTERVAL);
    awaitTrue(() -> fresh.image().syncs.get() > 0, "the new agent's timed sync");
    awaitReferenceTicks(100);

    assertThat(old.image().syncs).hasValue(0);
    assertThat(old.sent()).hasSize(sentBefore);
    assertThat(fresh.sent()).isNotEmpty();
  }

  private void appendOneRecord() {
    Record r = Record.of(RESOURCE, EPOCH, 1, 1, new byte[] {1, 2, 3});
    host.onMessage(new Append(RESOURCE, EPOCH, false, List.of(r)), toPrimary);
  }

  private long receivedSeq() throws Exception {
    return host.call(RESOURCE, ReplicaApplier::receivedSeq).get(5, TimeUnit.SECONDS);
  }

  /** Waits until the reference agent ticked {@code n} more times on the shared thread. */
  private void awaitReferenceTicks(long n) throws InterruptedException {
    long target = referenceTicks.get() + n;
    awaitTrue(() -> referenceTicks.get() >= target, n + " reference ticks");
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5); // polling a condition with a deadline, not sleeping as synchronisation
    }
  }
}
