package io.doppel.rpc.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.rpc.Credential;
import io.doppel.rpc.RpcCall;
import io.doppel.rpc.RpcProgram;
import io.doppel.rpc.RpcReply;
import io.doppel.rpc.client.RpcClient;
import io.doppel.rpc.client.RpcException;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PortmapTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int NFS_PORT = 2049;
  private final MetricRegistry metrics = new MetricRegistry();
  private PortmapRegistration own;
  private RpcClient client;

  /** A program that only exists to be registered. */
  record Stub(int program, int lowestVersion, int highestVersion) implements RpcProgram {
    @Override
    public CompletionStage<RpcReply> handle(RpcCall call, XdrDecoder args) {
      return CompletableFuture.completedFuture(RpcReply.success(out -> {}));
    }
  }

  @BeforeEach
  void start() throws IOException {
    own =
        PortmapRegistration.start(
            PortmapMode.OWN, LOOPBACK, List.of(new Stub(100003, 3, 3)), NFS_PORT, metrics, 0, null);
    client = RpcClient.connect(new InetSocketAddress(LOOPBACK, own.ownPort()), TIMEOUT);
  }

  @AfterEach
  void stop() {
    client.close();
    own.close();
  }

  private PortmapRegistration.Remote remote() {
    return new PortmapRegistration.Remote(new InetSocketAddress(LOOPBACK, own.ownPort()), null);
  }

  private int getPort(int program, int version, int protocol) throws Exception {
    return client.call(
        100000,
        2,
        3,
        new Credential.None(),
        out -> out.writeInt(program).writeInt(version).writeInt(protocol).writeInt(0),
        XdrDecoder::readInt);
  }

  private boolean v2(int procedure, int program, int version, int protocol, int port)
      throws Exception {
    return client.call(
        100000,
        2,
        procedure,
        new Credential.None(),
        out -> out.writeInt(program).writeInt(version).writeInt(protocol).writeInt(port),
        XdrDecoder::readBoolean);
  }

  private String getAddr(int version, int procedure, int program, int progVersion, String netid)
      throws Exception {
    return client.call(
        100000,
        version,
        procedure,
        new Credential.None(),
        out ->
            out.writeInt(program)
                .writeInt(progVersion)
                .writeString(netid)
                .writeString("")
                .writeString(""),
        in -> in.readString(200));
  }

  private static List<int[]> dumpV2(XdrDecoder in) throws XdrException {
    List<int[]> out = new ArrayList<>();
    while (in.readBoolean()) {
      out.add(new int[] {in.readInt(), in.readInt(), in.readInt(), in.readInt()});
    }
    return out;
  }

  @Test
  void ownPortmapperListsItselfAndOurPrograms() throws Exception {
    List<int[]> dump =
        client.call(100000, 2, 4, new Credential.None(), out -> {}, PortmapTest::dumpV2);
    assertThat(dump).anySatisfy(m -> assertThat(m).containsExactly(100003, 3, 6, NFS_PORT));
    assertThat(dump).anySatisfy(m -> assertThat(m).containsExactly(100003, 3, 17, NFS_PORT));
    assertThat(dump).anySatisfy(m -> assertThat(m).containsExactly(100000, 2, 6, own.ownPort()));
    assertThat(getPort(100003, 3, 6)).isEqualTo(NFS_PORT);
    assertThat(getPort(100005, 3, 6)).isZero();
    assertThat(getAddr(3, 3, 100003, 3, "tcp")).isEqualTo("127.0.0.1.8.1");
    assertThat(getAddr(4, 9, 100003, 3, "udp")).isEqualTo("127.0.0.1.8.1");
    assertThat(getAddr(4, 9, 100003, 4, "udp")).isEmpty();
    assertThat(getAddr(4, 3, 100003, 4, "udp")).isEqualTo("127.0.0.1.8.1");
  }

  @Test
  void setGetportUnsetOverV2() throws Exception {
    assertThat(v2(1, 400000, 1, 6, 3000)).isTrue();
    assertThat(v2(1, 400000, 1, 6, 3001)).as("second SET refused").isFalse();
    assertThat(getPort(400000, 1, 6)).isEqualTo(3000);
    assertThat(getAddr(3, 3, 400000, 1, "tcp"))
        .as("wildcard becomes called address")
        .isEqualTo("127.0.0.1.11.184");
    assertThat(v2(2, 400000, 1, 0, 0)).isTrue();
    assertThat(getPort(400000, 1, 6)).isZero();
    assertThat(v2(2, 400000, 1, 0, 0)).isFalse();
  }

  @Test
  void setDumpUnsetOverV3AndGettime() throws Exception {
    boolean set =
        client.call(
            100000,
            3,
            1,
            new Credential.None(),
            out ->
                out.writeInt(500000)
                    .writeInt(2)
                    .writeString("tcp")
                    .writeString("127.0.0.1.4.0")
                    .writeString("ganesha"),
            XdrDecoder::readBoolean);
    assertThat(set).isTrue();
    List<String> dump =
        client.call(
            100000,
            4,
            4,
            new Credential.None(),
            out -> {},
            in -> {
              List<String> out = new ArrayList<>();
              while (in.readBoolean()) {
                out.add(
                    in.readInt()
                        + " "
                        + in.readInt()
                        + " "
                        + in.readString(64)
                        + " "
                        + in.readString(64)
                        + " "
                        + in.readString(64));
              }
              return out;
            });
    assertThat(dump)
        .contains("500000 2 tcp 127.0.0.1.4.0 ganesha", "100003 3 udp 127.0.0.1.8.1 doppel");
    assertThat(getPort(500000, 2, 6)).isEqualTo(1024);
    boolean unset =
        client.call(
            100000,
            3,
            2,
            new Credential.None(),
            out -> out.writeInt(500000).writeInt(2).writeString("").writeString("").writeString(""),
            XdrDecoder::readBoolean);
    assertThat(unset).isTrue();
    assertThat(getPort(500000, 2, 6)).isZero();
    long time =
        client.call(100000, 3, 6, new Credential.None(), out -> {}, XdrDecoder::readUnsignedInt);
    assertThat(time).isGreaterThan(1_700_000_000L);
  }

  @Test
  void unsupportedProceduresAndGarbage() {
    for (int[] vp : new int[][] {{2, 5}, {3, 5}, {4, 12}}) {
      RpcException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              RpcException.class,
              () -> client.call(100000, vp[0], vp[1], new Credential.None(), out -> {}, in -> 0));
      assertThat(e.status()).isEqualTo("PROC_UNAVAIL");
    }
    RpcException garbage =
        org.junit.jupiter.api.Assertions.assertThrows(
            RpcException.class,
            () ->
                client.call(100000, 2, 1, new Credential.None(), out -> out.writeInt(1), in -> 0));
    assertThat(garbage.status()).isEqualTo("GARBAGE_ARGS");
  }

  @Test
  void secondInstanceRegistersAndUnregisters() throws Exception {
    PortmapRegistration second =
        PortmapRegistration.start(
            PortmapMode.REGISTER,
            LOOPBACK,
            List.of(new Stub(100005, 1, 3)),
            20048,
            metrics,
            0,
            remote());
    for (int v = 1; v <= 3; v++) {
      assertThat(getPort(100005, v, 6)).isEqualTo(20048);
      assertThat(getPort(100005, v, 17)).isEqualTo(20048);
    }
    // Re-registering replaces the old port (UNSET before SET).
    PortmapRegistration again =
        PortmapRegistration.start(
            PortmapMode.REGISTER,
            LOOPBACK,
            List.of(new Stub(100005, 1, 3)),
            20049,
            metrics,
            0,
            remote());
    assertThat(getPort(100005, 2, 6)).isEqualTo(20049);
    again.close();
    second.close();
    assertThat(getPort(100005, 3, 6)).isZero();
    assertThat(getPort(100003, 3, 6)).as("others' registrations untouched").isEqualTo(NFS_PORT);
  }

  @Test
  void autoFallsBackToRegisteringWhenThePortIsTaken() throws Exception {
    try (PortmapRegistration auto =
        PortmapRegistration.start(
            PortmapMode.AUTO,
            LOOPBACK,
            List.of(new Stub(100021, 4, 4)),
            4045,
            metrics,
            own.ownPort(),
            remote())) {
      assertThat(auto.ownPort()).isEqualTo(-1);
      assertThat(getPort(100021, 4, 17)).isEqualTo(4045);
    }
    assertThat(getPort(100021, 4, 17)).isZero();
  }

  @Test
  void offDoesNothing() throws Exception {
    try (PortmapRegistration off =
        PortmapRegistration.start(
            PortmapMode.OFF, LOOPBACK, List.of(new Stub(7, 1, 1)), 1, metrics)) {
      assertThat(off.ownPort()).isEqualTo(-1);
    }
    assertThat(getPort(7, 1, 6)).isZero();
  }

  @Test
  void universalAddresses() {
    assertThat(UniversalAddress.format(LOOPBACK, 2049)).isEqualTo("127.0.0.1.8.1");
    assertThat(UniversalAddress.port("127.0.0.1.8.1")).isEqualTo(2049);
    assertThat(UniversalAddress.port("::1.0.111")).isEqualTo(111);
    assertThat(UniversalAddress.port("garbage")).isEqualTo(-1);
    assertThat(UniversalAddress.port("1.2.3.4.300.1")).isEqualTo(-1);
    assertThat(UniversalAddress.isWildcard("0.0.0.0.0.111")).isTrue();
  }
}
