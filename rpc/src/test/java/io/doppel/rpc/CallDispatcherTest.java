package io.doppel.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.rpc.xdr.XdrDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class CallDispatcherTest {
  private final MetricRegistry metrics = new MetricRegistry();
  private final RpcStats stats = new RpcStats(metrics, List.of(new EchoProgram()));
  private final CapturingResponder responder = new CapturingResponder();
  private final List<ByteBuf> records = new ArrayList<>();

  private CallDispatcher dispatcher(Executor executor) {
    long[] now = {0};
    return new CallDispatcher(List.of(new EchoProgram()), executor, stats, () -> now[0] += 1000);
  }

  private ReplySummary call(int procedure, int version, byte[] args) {
    ByteBuf record =
        Unpooled.wrappedBuffer(TestRecords.call(77, EchoProgram.PROGRAM, version, procedure, args));
    records.add(record);
    dispatcher(Runnable::run).dispatch(record, responder);
    assertThat(responder.replies).hasSize(1);
    return ReplySummary.parse(responder.replies.removeFirst());
  }

  @Test
  void successWritesHeaderThenBody() {
    byte[] args = TestRecords.bytes(out -> out.writeInt(41));
    ReplySummary r = call(EchoProgram.INCREMENT, 1, args);
    assertThat(r.xid()).isEqualTo(77);
    assertThat(r.status()).isEqualTo("SUCCESS");
    assertThat(r.results()).containsExactly(0, 0, 0, 42);
    assertThat(stats.replies("success")).isEqualTo(1);
    assertThat(records).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  @Test
  void eachReplyVariantIsEncoded() {
    assertThat(call(99, 1, new byte[0]).status()).isEqualTo("PROC_UNAVAIL");
    assertThat(call(EchoProgram.INCREMENT, 1, new byte[0]).status()).isEqualTo("GARBAGE_ARGS");
    assertThat(call(EchoProgram.SYSTEM_ERROR, 1, new byte[0]).status()).isEqualTo("SYSTEM_ERR");
    assertThat(call(EchoProgram.AUTH_TOO_WEAK, 1, new byte[0]).status()).isEqualTo("AUTH_ERROR 5");
    assertThat(call(EchoProgram.THROW, 1, new byte[0]).status()).isEqualTo("SYSTEM_ERR");
    assertThat(call(EchoProgram.FAIL_STAGE, 1, new byte[0]).status()).isEqualTo("SYSTEM_ERR");
    ReplySummary bodyFails = call(EchoProgram.BODY_FAILS, 1, new byte[0]);
    assertThat(bodyFails.status()).isEqualTo("SYSTEM_ERR");
    assertThat(bodyFails.results()).isEmpty();
    assertThat(stats.handlerFailures.get()).isEqualTo(3);
    assertThat(stats.authErrors.get()).isEqualTo(1);
    assertThat(records).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  @Test
  void dropSendsNothing() {
    ByteBuf record =
        Unpooled.wrappedBuffer(
            TestRecords.call(1, EchoProgram.PROGRAM, 1, EchoProgram.DROP, new byte[0]));
    dispatcher(Runnable::run).dispatch(record, responder);
    assertThat(responder.replies).isEmpty();
    assertThat(stats.replies("dropped")).isEqualTo(1);
    assertThat(record.refCnt()).isZero();
  }

  @Test
  void unknownProgramAndWrongVersion() {
    ByteBuf record = Unpooled.wrappedBuffer(TestRecords.call(3, 123, 1, 0, new byte[0]));
    dispatcher(Runnable::run).dispatch(record, responder);
    assertThat(ReplySummary.parse(responder.replies.removeFirst()).status())
        .isEqualTo("PROG_UNAVAIL");
    assertThat(call(0, 3, new byte[0]).status()).isEqualTo("PROG_MISMATCH 1..2");
    assertThat(record.refCnt()).isZero();
  }

  @Test
  void queueFullDropsAndCounts() {
    ByteBuf record =
        Unpooled.wrappedBuffer(TestRecords.call(3, EchoProgram.PROGRAM, 1, 0, new byte[0]));
    dispatcher(
            task -> {
              throw new RejectedExecutionException("full");
            })
        .dispatch(record, responder);
    assertThat(responder.replies).isEmpty();
    assertThat(stats.droppedQueueFull.get()).isEqualTo(1);
    assertThat(record.refCnt()).isZero();
  }

  @Test
  void digestCoversFirst256BytesAndLength() {
    byte[] a = new byte[300];
    byte[] b = a.clone();
    b[299] = 1; // beyond the digested prefix: same digest by design
    byte[] c = a.clone();
    c[10] = 1;
    long da = CallDispatcher.digest(Unpooled.wrappedBuffer(a));
    assertThat(CallDispatcher.digest(Unpooled.wrappedBuffer(b))).isEqualTo(da);
    assertThat(CallDispatcher.digest(Unpooled.wrappedBuffer(c))).isNotEqualTo(da);
    assertThat(CallDispatcher.digest(Unpooled.wrappedBuffer(a, 0, 299))).isNotEqualTo(da);
    assertThat(da & 0xffff_ffffL).isEqualTo(300);
  }

  @Test
  void whoSeesCredentialTransportAndArgsLength() {
    byte[] args = new byte[8];
    ReplySummary r = call(EchoProgram.WHO, 2, args);
    XdrDecoder in = new XdrDecoder(Unpooled.wrappedBuffer(r.results()));
    assertThat(r.status()).isEqualTo("SUCCESS");
    assertThat(ReplyParsing.string(in)).isEqualTo("TCP");
    assertThat(ReplyParsing.integer(in)).isEqualTo(-1);
    assertThat(ReplyParsing.integer(in)).isEqualTo(8);
  }

  /** Captures replies as byte arrays. */
  static final class CapturingResponder implements Responder {
    final List<byte[]> replies = new ArrayList<>();

    @Override
    public ByteBufAllocator alloc() {
      return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public synchronized void send(ByteBuf reply) {
      byte[] bytes = new byte[reply.readableBytes()];
      reply.readBytes(bytes);
      reply.release();
      replies.add(bytes);
    }

    @Override
    public InetSocketAddress client() {
      return new InetSocketAddress("127.0.0.1", 999);
    }

    @Override
    public InetSocketAddress local() {
      return new InetSocketAddress("127.0.0.1", 2049);
    }

    @Override
    public Transport transport() {
      return Transport.TCP;
    }
  }
}
