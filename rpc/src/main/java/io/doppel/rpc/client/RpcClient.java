package io.doppel.rpc.client;

import io.doppel.rpc.Credential;
import io.doppel.rpc.xdr.XdrDecoder;
import io.doppel.rpc.xdr.XdrEncoder;
import io.doppel.rpc.xdr.XdrException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Blocking ONC RPC client (RFC 5531) over TCP with record marking, for tools, tests and rpcbind
 * registration. Not thread-safe: one call at a time. Replies whose xid does not match the call are
 * skipped (late answers to earlier, timed-out calls). The timeout bounds every blocking read.
 */
public final class RpcClient implements AutoCloseable {
  /** Largest reply record accepted (an NFS READ of 1 MiB fits many times over). */
  public static final int MAX_REPLY_BYTES = 16 * 1024 * 1024;

  private final Closeable connection;
  private final OutputStream rawOut;
  private final RecordStream records;
  private final AtomicInteger nextXid = new AtomicInteger(ThreadLocalRandom.current().nextInt());

  private RpcClient(Closeable connection, InputStream in, OutputStream out) {
    this.connection = connection;
    this.rawOut = out;
    this.records = new RecordStream(in, out, MAX_REPLY_BYTES);
  }

  public static RpcClient connect(InetSocketAddress server, Duration timeout) throws IOException {
    return connect(server, null, timeout);
  }

  /** Connects from a fixed local address and port ({@code local} may be null for any). */
  public static RpcClient connect(
      InetSocketAddress server, InetSocketAddress local, Duration timeout) throws IOException {
    Socket s = new Socket();
    try {
      s.setReuseAddress(true);
      s.setTcpNoDelay(true);
      if (local != null) {
        s.bind(local);
      }
      int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
      s.connect(server, millis);
      s.setSoTimeout(millis);
      return new RpcClient(s, s.getInputStream(), s.getOutputStream());
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Connects to an RPC server on a Unix domain stream socket (rpcbind's {@code /run/rpcbind.sock},
   * where rpcbind accepts SET and UNSET from unprivileged local processes).
   */
  public static RpcClient connectLocal(Path socketPath, Duration timeout) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socketPath));
      TimedChannelStreams streams = new TimedChannelStreams(ch, Math.max(1, timeout.toMillis()));
      return new RpcClient(streams, streams.in(), streams.out());
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  public <T> T call(
      int program,
      int version,
      int procedure,
      Credential credential,
      ArgsWriter args,
      ResultReader<T> results)
      throws IOException, RpcException {
    return call(nextXid.getAndIncrement(), program, version, procedure, credential, args, results);
  }

  /** A call with an explicit xid (retransmission tests). */
  public <T> T call(
      int xid,
      int program,
      int version,
      int procedure,
      Credential credential,
      ArgsWriter args,
      ResultReader<T> results)
      throws IOException, RpcException {
    ByteBuf buf = Unpooled.buffer(256);
    XdrEncoder out = new XdrEncoder(buf);
    CallEncoding.writeHeader(out, xid, program, version, procedure, credential);
    args.write(out);
    records.write(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
    while (true) {
      byte[] reply = records.read();
      XdrDecoder in = new XdrDecoder(Unpooled.wrappedBuffer(reply));
      try {
        if (in.readInt() != xid) {
          continue;
        }
        return ReplyDecoding.read(in, results);
      } catch (XdrException e) {
        throw new IOException("malformed reply to xid " + xid + ": " + e.getMessage(), e);
      }
    }
  }

  /** Sends {@code record} as one fragment and returns the next reply record, whatever it is. */
  public byte[] exchangeRaw(byte[] record) throws IOException {
    records.write(record, 0, record.length);
    return records.read();
  }

  /** Sends raw bytes without framing (malformed-stream tests). */
  public void sendRawBytes(byte[] bytes) throws IOException {
    rawOut.write(bytes);
    rawOut.flush();
  }

  /** Reads the next reply record (after {@link #sendRawBytes}). */
  public byte[] readRawRecord() throws IOException {
    return records.read();
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (IOException e) {
      // Nothing to do: the socket is gone either way.
    }
  }

  /** Writes a procedure's arguments. */
  @FunctionalInterface
  public interface ArgsWriter {
    void write(XdrEncoder out);
  }

  /** Reads a successful reply's results. */
  @FunctionalInterface
  public interface ResultReader<T> {
    T read(XdrDecoder in) throws XdrException;
  }
}
