package io.doppel.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.metrics.MetricRegistry;
import io.doppel.rpc.client.RpcClient;
import io.doppel.rpc.client.RpcException;
import io.doppel.rpc.xdr.XdrDecoder;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RpcServerEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final MetricRegistry metrics = new MetricRegistry();
  private RpcServer server;
  private RpcClient client;

  @BeforeEach
  void start() throws Exception {
    RpcServerConfig config =
        new RpcServerConfig(InetAddress.getLoopbackAddress(), 0, true, 64 * 1024, 2);
    server = new RpcServer(config, List.of(new EchoProgram()), metrics);
    server.start();
    client = RpcClient.connect(address(), TIMEOUT);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
  }

  private byte[] echo(byte[] data) throws Exception {
    return client.call(
        EchoProgram.PROGRAM,
        1,
        EchoProgram.ECHO,
        new Credential.None(),
        out -> out.writeOpaque(data),
        in -> in.readOpaque(1 << 20));
  }

  @Test
  void echoOverTcpIncludingLargeMultiKilobyteRecords() throws Exception {
    assertThat(server.port()).isPositive();
    assertThat(echo(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    byte[] big = new byte[60_000];
    Arrays.fill(big, (byte) 7);
    assertThat(echo(big)).isEqualTo(big);
    assertThat(metrics.scrape())
        .contains("doppel_rpc_calls_total{program=\"200001\",server=\"200001\",version=\"1\"} 2");
  }

  @Test
  void authSysCredentialReachesTheProgram() throws Exception {
    Credential sys = new Credential.Sys(1, "box", 1000, 1000, List.of(1, 2));
    String transport =
        client.call(
            EchoProgram.PROGRAM,
            2,
            EchoProgram.WHO,
            sys,
            out -> {},
            in -> in.readString(10) + ":" + in.readInt());
    assertThat(transport).isEqualTo("TCP:1000");
  }

  @Test
  void errorRepliesEndToEnd() {
    assertThatThrownBy(() -> client.call(999, 1, 0, new Credential.None(), out -> {}, in -> 0))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo("PROG_UNAVAIL"));
    assertThatThrownBy(
            () -> client.call(EchoProgram.PROGRAM, 3, 0, new Credential.None(), out -> {}, in -> 0))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo("PROG_MISMATCH 1..2"));
    assertThatThrownBy(
            () ->
                client.call(EchoProgram.PROGRAM, 1, 55, new Credential.None(), out -> {}, in -> 0))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo("PROC_UNAVAIL"));
    assertThatThrownBy(
            () ->
                client.call(
                    EchoProgram.PROGRAM,
                    1,
                    EchoProgram.INCREMENT,
                    new Credential.None(),
                    out -> {},
                    in -> 0))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo("GARBAGE_ARGS"));
    assertThatThrownBy(
            () ->
                client.call(
                    EchoProgram.PROGRAM,
                    1,
                    EchoProgram.THROW,
                    new Credential.None(),
                    out -> {},
                    in -> 0))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo("SYSTEM_ERR"));
    assertThatThrownBy(
            () ->
                client.call(
                    EchoProgram.PROGRAM,
                    1,
                    EchoProgram.AUTH_TOO_WEAK,
                    new Credential.None(),
                    out -> {},
                    in -> 0))
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status()).isEqualTo("AUTH_ERROR 5"));
  }

  @Test
  void rawRpcMismatchAndBadCredential() throws Exception {
    byte[] badVersion =
        TestRecords.bytes(
            out -> out.writeInt(5).writeInt(0).writeInt(3).writeInt(1).writeInt(1).writeInt(1));
    assertThat(ReplySummary.parse(client.exchangeRaw(badVersion)).status())
        .isEqualTo("RPC_MISMATCH 2..2");
    byte[] gss = TestRecords.callWithCred(6, 6, new byte[12]);
    ReplySummary r = ReplySummary.parse(client.exchangeRaw(gss));
    assertThat(r.xid()).isEqualTo(6);
    assertThat(r.status()).isEqualTo("AUTH_ERROR 1");
  }

  @Test
  void pipelinedCallsAllAnswered() throws Exception {
    int n = 200;
    byte[][] wire = new byte[n][];
    for (int i = 0; i < n; i++) {
      byte[] args = TestRecords.bytes(out -> out.writeInt(1));
      wire[i] =
          TestRecords.fragment(
              TestRecords.call(1000 + i, EchoProgram.PROGRAM, 1, EchoProgram.INCREMENT, args),
              true);
    }
    client.sendRawBytes(TestRecords.concat(wire));
    boolean[] seen = new boolean[n];
    for (int i = 0; i < n; i++) {
      ReplySummary r = ReplySummary.parse(client.readRawRecord());
      assertThat(r.status()).isEqualTo("SUCCESS");
      seen[r.xid() - 1000] = true;
    }
    for (boolean s : seen) {
      assertThat(s).isTrue();
    }
  }

  @Test
  void oversizedRecordClosesTheConnectionOnly() throws Exception {
    client.sendRawBytes(new byte[] {(byte) 0x80, 0x10, 0, 0, 1, 2, 3, 4});
    assertThatThrownBy(client::readRawRecord).isInstanceOf(java.io.IOException.class);
    try (RpcClient other = RpcClient.connect(address(), TIMEOUT)) {
      int v =
          other.call(
              EchoProgram.PROGRAM,
              1,
              EchoProgram.INCREMENT,
              new Credential.None(),
              out -> out.writeInt(9),
              XdrDecoder::readInt);
      assertThat(v).isEqualTo(10);
    }
    assertThat(server.stats().oversizeRecords.get()).isEqualTo(1);
  }

  @Test
  void udpDatagramIsAnsweredToTheSender() throws Exception {
    byte[] args = TestRecords.bytes(out -> out.writeInt(41));
    byte[] call = TestRecords.call(4242, EchoProgram.PROGRAM, 1, EchoProgram.INCREMENT, args);
    try (DatagramSocket socket =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      socket.send(new DatagramPacket(call, call.length, address()));
      byte[] buf = new byte[65536];
      DatagramPacket reply = new DatagramPacket(buf, buf.length);
      socket.receive(reply);
      ReplySummary r = ReplySummary.parse(Unpooled.wrappedBuffer(buf, 0, reply.getLength()));
      assertThat(r.xid()).isEqualTo(4242);
      assertThat(r.status()).isEqualTo("SUCCESS");
      assertThat(r.results()).containsExactly(0, 0, 0, 42);
      byte[] who = TestRecords.call(4243, EchoProgram.PROGRAM, 1, EchoProgram.WHO, new byte[0]);
      socket.send(new DatagramPacket(who, who.length, address()));
      socket.receive(reply);
      XdrDecoder in =
          new XdrDecoder(
              Unpooled.wrappedBuffer(
                  ReplySummary.parse(Unpooled.wrappedBuffer(buf, 0, reply.getLength())).results()));
      assertThat(ReplyParsing.string(in)).isEqualTo("UDP");
    }
  }

  @Test
  void connectionGaugeFollowsClients() throws Exception {
    echo(new byte[0]);
    assertThat(server.stats().connections.get()).isEqualTo(1);
    client.close();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (server.stats().connections.get() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(server.stats().connections.get()).isZero();
  }
}
