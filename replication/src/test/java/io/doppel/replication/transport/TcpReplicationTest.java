package io.doppel.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.replication.history.History;
import io.doppel.replication.primary.PrimaryConfig;
import io.doppel.replication.primary.PrimaryStats;
import io.doppel.replication.primary.PrimaryStream;
import io.doppel.replication.primary.ReplicaState;
import io.doppel.replication.primary.ReplicationEvent;
import io.doppel.replication.replica.ReplicaApplier;
import io.doppel.replication.replica.ReplicaConfig;
import io.doppel.replication.replica.ReplicaStats;
import io.doppel.replication.track.BoundedRecordLog;
import io.doppel.replication.track.CopySource;
import io.doppel.replication.track.CopyTask;
import io.doppel.replication.track.LogChangeTracker;
import io.doppel.replication.wire.AckStrength;
import io.doppel.replication.wire.Record;
import io.netty.channel.EventLoopGroup;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real TCP on 127.0.0.1: a primary and two replicas with in-memory appliers; a replica's connection
 * is killed while writes continue, it reconnects, catches up, and ends identical.
 */
class TcpReplicationTest {
  private static final String RESOURCE = "exp0";
  private static final long EPOCH = 1;
  private final TransportConfig config =
      new TransportConfig(
          io.doppel.replication.wire.WireLimits.DEFAULT,
          1 << 20,
          300_000_000L,
          600_000_000L,
          1_000_000L);
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final EventLoopGroup group = NettyTransports.newGroup(2);
  private final MemoryState primaryState = new MemoryState();
  private final List<ReplicationEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private record ReplicaNode(
      ReplicaServer server, ReplicaHost host, MemoryState state, InetSocketAddress address) {}

  private ReplicaNode startReplica(String name) throws Exception {
    OrderedExecutor executor = new OrderedExecutor(1, r -> new Thread(r, "replica-" + name));
    closeables.add(executor);
    ReplicaHost host = new ReplicaHost(executor, System::nanoTime, config);
    closeables.add(host);
    MemoryState state = new MemoryState();
    ReplicaApplier applier =
        new ReplicaApplier(
            RESOURCE,
            History.EMPTY,
            false,
            EPOCH,
            state,
            host.replySink(RESOURCE),
            ReplicaConfig.DEFAULT,
            new ReplicaStats(new MetricRegistry(), RESOURCE));
    host.register(RESOURCE, applier);
    ReplicaServer server =
        new ReplicaServer(group, config, new TransportStats(new MetricRegistry(), "replica"), host);
    closeables.add(server);
    InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
    return new ReplicaNode(server, host, state, address);
  }

  @Test
  void replicaLosesItsConnectionCatchesUpAndEndsIdentical() throws Exception {
    ReplicaNode r1 = startReplica("r1");
    ReplicaNode r2 = startReplica("r2");
    BoundedRecordLog log = new BoundedRecordLog(64 << 20);
    PrimaryStats stats = new PrimaryStats(new MetricRegistry(), RESOURCE);
    PrimaryStream stream =
        new PrimaryStream(
            RESOURCE,
            EPOCH,
            History.EMPTY,
            PrimaryConfig.DEFAULT,
            new LogChangeTracker(log),
            log,
            snapshotCopy(),
            stats,
            events::add);
    OrderedExecutor executor = new OrderedExecutor(1, r -> new Thread(r, "primary"));
    closeables.add(executor);
    PrimaryHost host = new PrimaryHost(executor, System::nanoTime, config);
    closeables.add(host);
    Map<String, PeerConnection> peers = new LinkedHashMap<>();
    TransportStats tstats = new TransportStats(new MetricRegistry(), "primary");
    for (var e : Map.of("r1", r1, "r2", r2).entrySet()) {
      PeerConnection peer =
          new PeerConnection(e.getKey(), e.getValue().address(), group, config, tstats);
      closeables.add(peer);
      peers.put(e.getKey(), peer);
    }
    host.register(stream, peers);
    peers.values().forEach(PeerConnection::start);
    awaitTrue(() -> allInSync(host), "both replicas in sync");

    writes(host, log, 0, 300).get(10, TimeUnit.SECONDS);
    r2.server().dropConnections(); // the link to r2 dies; the primary reconnects after 300 ms
    awaitTrue(() -> state(host, "r2") != ReplicaState.IN_SYNC, "r2 out of sync");
    long started = System.nanoTime();
    writes(host, log, 300, 300).get(10, TimeUnit.SECONDS);
    long whileLaggingMillis = (System.nanoTime() - started) / 1_000_000;

    awaitTrue(() -> allInSync(host), "r2 back in sync");
    writes(host, log, 600, 100).get(10, TimeUnit.SECONDS);
    long last = host.call(RESOURCE, PrimaryStream::lastSeq).get();
    awaitTrue(
        () -> r1.state().appliedSeq == last && r2.state().appliedSeq == last,
        "replicas at " + last);
    long primaryDigest = executorCall(executor, primaryState::digest);
    assertThat(r1.host().call(RESOURCE, a -> r1.state().digest()).get()).isEqualTo(primaryDigest);
    assertThat(r2.host().call(RESOURCE, a -> r2.state().digest()).get()).isEqualTo(primaryDigest);
    assertThat(r2.host().call(RESOURCE, ReplicaApplier::history).get())
        .isEqualTo(host.call(RESOURCE, PrimaryStream::history).get());
    assertThat(r1.state().outOfOrder || r2.state().outOfOrder).isFalse();
    assertThat(stats.outOfSyncCount()).isGreaterThanOrEqualTo(1);
    assertThat(events)
        .anyMatch(
            e ->
                e instanceof ReplicationEvent.StateChanged s
                    && s.replica().equals("r2")
                    && s.from() == ReplicaState.CATCHING_UP
                    && s.to() == ReplicaState.IN_SYNC);
    // The primary stopped waiting for r2: 300 durable writes did not wait for its reconnection.
    assertThat(whileLaggingMillis).isLessThan(5_000);
  }

  @Test
  void malformedFrameClosesTheConnectionAndIsCounted() throws Exception {
    OrderedExecutor executor = new OrderedExecutor(1, r -> new Thread(r, "replica-x"));
    closeables.add(executor);
    ReplicaHost host = new ReplicaHost(executor, System::nanoTime, config);
    TransportStats stats = new TransportStats(new MetricRegistry(), "replica");
    ReplicaServer server = new ReplicaServer(group, config, stats, host);
    closeables.add(server);
    InetSocketAddress address = server.bind(new InetSocketAddress("127.0.0.1", 0));
    try (Socket s = new Socket(address.getAddress(), address.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
      out.flush();
      s.setSoTimeout(5000);
      assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the server
    }
    assertThat(stats.malformedFrames()).isEqualTo(1);
  }

  private CopySource snapshotCopy() {
    return new CopySource() {
      @Override
      public List<CopyTask> planFull() {
        return List.of(new CopyTask(0, 512));
      }

      @Override
      public List<CopyTask> planChangesAfter(long afterSeq, boolean includeUnknown) {
        return null;
      }

      @Override
      public Record read(CopyTask task, long epoch, long basisSeq) {
        return Record.of(RESOURCE, epoch, basisSeq, MemoryState.KIND_COPY, primaryState.snapshot());
      }
    };
  }

  private CompletableFuture<Void> writes(PrimaryHost host, BoundedRecordLog log, int from, int n) {
    List<CompletableFuture<Long>> all = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      int slot = i % 64;
      long value = i * 31L + 7;
      AckStrength strength = i % 3 == 0 ? AckStrength.DURABLE : AckStrength.RECEIVED;
      all.add(
          host.replicate(
              RESOURCE,
              seq -> {
                Record r =
                    Record.of(
                        RESOURCE,
                        EPOCH,
                        seq,
                        MemoryState.KIND_WRITE,
                        MemoryState.write(slot, value));
                primaryState.applyLocal(r);
                log.append(r);
                return r;
              },
              strength));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private static boolean allInSync(PrimaryHost host) {
    return state(host, "r1") == ReplicaState.IN_SYNC && state(host, "r2") == ReplicaState.IN_SYNC;
  }

  private static ReplicaState state(PrimaryHost host, String replica) {
    try {
      return host.call(RESOURCE, s -> s.state(replica)).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static <T> T executorCall(OrderedExecutor executor, java.util.function.Supplier<T> f)
      throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    executor.execute(RESOURCE, () -> out.complete(f.get()));
    return out.get(5, TimeUnit.SECONDS);
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10); // polling a condition with a deadline, not sleeping as synchronisation
    }
  }
}
