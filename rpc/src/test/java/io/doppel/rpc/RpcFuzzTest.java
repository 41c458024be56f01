package io.doppel.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.rpc.client.RpcClient;
import io.doppel.rpc.client.RpcException;
import io.doppel.rpc.xdr.XdrDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Sends thousands of random and mutated records to a live server while a well-behaved client keeps
 * checking that its calls are answered correctly. Seeded: a failure prints the seed.
 */
class RpcFuzzTest {
  private static final long SEED = 0x5eed_2025L;
  private static final int RECORDS = 3000;
  private static final long BUDGET_NANOS = Duration.ofSeconds(30).toNanos();

  @Test
  void serverSurvivesGarbageWhileServingGoodClient() throws Exception {
    RpcServerConfig config =
        new RpcServerConfig(InetAddress.getLoopbackAddress(), 0, true, 8192, 2);
    try (RpcServer server =
        new RpcServer(config, List.of(new EchoProgram()), new MetricRegistry())) {
      server.start();
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger good = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread checker = new Thread(() -> checkLoop(address, stop, good, failure), "good-client");
      checker.start();
      int sent = fuzz(address, new SplittableRandom(SEED));
      stop.set(true);
      checker.join(Duration.ofSeconds(20));
      assertThat(failure.get()).as("seed %x", SEED).isNull();
      assertThat(sent).isGreaterThan(RECORDS / 2);
      assertThat(good.get()).isPositive();
      try (RpcClient after = RpcClient.connect(address, Duration.ofSeconds(10))) {
        assertThat(increment(after, 1)).isEqualTo(2);
      }
    }
  }

  private static void checkLoop(
      InetSocketAddress address,
      AtomicBoolean stop,
      AtomicInteger good,
      AtomicReference<Throwable> failure) {
    try (RpcClient client = RpcClient.connect(address, Duration.ofSeconds(10))) {
      int i = 0;
      while (!stop.get()) {
        assertThat(increment(client, i)).isEqualTo(i + 1);
        good.incrementAndGet();
        i++;
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  private static int increment(RpcClient client, int v) throws Exception {
    return client.call(
        EchoProgram.PROGRAM,
        1,
        EchoProgram.INCREMENT,
        new Credential.None(),
        out -> out.writeInt(v),
        XdrDecoder::readInt);
  }

  /** Returns how many records were sent within the time budget. */
  private static int fuzz(InetSocketAddress address, SplittableRandom random) throws IOException {
    long deadline = System.nanoTime() + BUDGET_NANOS;
    int sent = 0;
    RpcClient conn = RpcClient.connect(address, Duration.ofSeconds(5));
    try {
      while (sent < RECORDS && System.nanoTime() < deadline) {
        byte[] record =
            random.nextInt(3) == 0 ? randomBytes(random) : mutate(valid(random), random);
        try {
          if (random.nextInt(10) == 0) {
            // Unframed: arbitrary fragment headers may leave the stream mid-record; start afresh.
            conn.sendRawBytes(record);
            conn.close();
            conn = RpcClient.connect(address, Duration.ofSeconds(5));
          } else {
            conn.sendRawBytes(TestRecords.fragment(record, true));
            // A NULL call after each record: replies to the garbage (if any) are skipped by xid.
            conn.call(
                EchoProgram.PROGRAM,
                1,
                EchoProgram.NULL,
                new Credential.None(),
                out -> {},
                in -> 0);
          }
        } catch (IOException | RpcException e) {
          throw new AssertionError(
              "seed " + SEED + " record " + sent + ": server stopped answering", e);
        }
        sent++;
      }
    } finally {
      conn.close();
    }
    return sent;
  }

  private static byte[] randomBytes(SplittableRandom random) {
    byte[] b = new byte[random.nextInt(64)];
    random.nextBytes(b);
    return b;
  }

  private static byte[] valid(SplittableRandom random) {
    int procedure = random.nextInt(12);
    byte[] args =
        random.nextBoolean()
            ? TestRecords.bytes(out -> out.writeInt(3))
            : TestRecords.bytes(out -> out.writeOpaque(new byte[random.nextInt(20)]));
    if (random.nextBoolean()) {
      return TestRecords.call(
          random.nextInt(), EchoProgram.PROGRAM, 1 + random.nextInt(3), procedure, args);
    }
    return TestRecords.callWithCred(
        random.nextInt(),
        random.nextInt(3),
        TestRecords.sysBody(1, "m", 0, 0, new int[random.nextInt(18)]));
  }

  private static byte[] mutate(byte[] record, SplittableRandom random) {
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips && record.length > 0; i++) {
      int pos = random.nextInt(record.length);
      record[pos] =
          switch (random.nextInt(3)) {
            case 0 -> (byte) random.nextInt(256);
            case 1 -> (byte) 0xff;
            default -> 0;
          };
    }
    if (random.nextInt(5) == 0) {
      return java.util.Arrays.copyOf(record, random.nextInt(record.length + 1));
    }
    return record;
  }
}
