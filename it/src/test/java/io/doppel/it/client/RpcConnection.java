package io.doppel.it.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Blocking ONC RPC over TCP with record marking (RFC 5531 section 11). Calls may be pipelined:
 * {@link #send} several, then {@link #receive} the replies (in any order; match by xid).
 */
public final class RpcConnection implements AutoCloseable {
  private static final int MAX_REPLY = 64 << 20;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private int nextXid;

  private RpcConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    this.nextXid = (int) (System.nanoTime() & 0x3fffffff);
  }

  public static RpcConnection connect(InetSocketAddress server, Duration timeout)
      throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(server, (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      return new RpcConnection(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  public Socket socket() {
    return socket;
  }

  /** Sends one call as a single-fragment record and returns its xid (not flushed until receive). */
  public int send(int prog, int vers, int proc, AuthSys cred, XdrOut args) throws IOException {
    int xid = nextXid++;
    out.write(record(callMessage(xid, prog, vers, proc, cred, args)));
    return xid;
  }

  /** An RPC CALL message (RFC 5531 section 9) without record mark. */
  public static byte[] callMessage(
      int xid, int prog, int vers, int proc, AuthSys cred, XdrOut args) {
    XdrOut m = new XdrOut().u32(xid).u32(0).u32(2).u32(prog).u32(vers).u32(proc);
    if (cred == null) {
      m.u32(0).u32(0);
    } else {
      cred.encode(m);
    }
    m.u32(0).u32(0);
    byte[] body = args == null ? new byte[0] : args.toByteArray();
    return m.raw(body, 0, body.length).toByteArray();
  }

  /** {@code message} as one last fragment: 4-byte record mark, then the bytes. */
  public static byte[] record(byte[] message) {
    return new XdrOut()
        .u32(0x80000000 | message.length)
        .raw(message, 0, message.length)
        .toByteArray();
  }

  /** Writes raw bytes (already record-marked, or deliberately not) and flushes. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void flush() throws IOException {
    out.flush();
  }

  /** Reads one complete record (all fragments). */
  public byte[] readRecord() throws IOException {
    out.flush();
    byte[] acc = new byte[0];
    boolean last = false;
    while (!last) {
      int mark = in.readInt();
      last = (mark & 0x80000000) != 0;
      int n = mark & 0x7fffffff;
      if (acc.length + (long) n > MAX_REPLY) {
        throw new IOException("reply record too large: " + n);
      }
      byte[] next = new byte[acc.length + n];
      System.arraycopy(acc, 0, next, 0, acc.length);
      in.readFully(next, acc.length, n);
      acc = next;
    }
    return acc;
  }

  /** Reads and decodes the next reply. */
  public RpcReply receive() throws IOException {
    return parse(readRecord());
  }

  /** Decodes an RPC reply message; throws IOException when it is not a well-formed reply. */
  public static RpcReply parse(byte[] rec) throws IOException {
    XdrIn x = new XdrIn(rec, 0);
    int xid = x.u32();
    if (x.u32() != 1) {
      throw new IOException("not a REPLY message");
    }
    int replyStat = x.u32();
    if (replyStat == 0) {
      x.u32();
      x.opaque(400);
      int accept = x.u32();
      if (accept < 0 || accept > 5) {
        throw new IOException("bad accept_stat " + accept);
      }
      return new RpcReply(xid, accept, -1, 0, x);
    }
    if (replyStat != 1) {
      throw new IOException("bad reply_stat " + replyStat);
    }
    int reject = x.u32();
    if (reject != 0 && reject != 1) {
      throw new IOException("bad reject_stat " + reject);
    }
    return new RpcReply(xid, -1, reject, x.u32(), x);
  }

  /** Sends one call and waits for its reply (replies to other xids are an error here). */
  public RpcReply call(int prog, int vers, int proc, AuthSys cred, XdrOut args) throws IOException {
    int xid = send(prog, vers, proc, cred, args);
    RpcReply r = receive();
    if (r.xid() != xid) {
      throw new IOException("reply xid " + r.xid() + " != call xid " + xid);
    }
    return r;
  }

  /** True when the peer has closed (EOF) within the socket timeout. */
  public boolean awaitClosed() {
    try {
      while (true) {
        readRecord();
      }
    } catch (EOFException e) {
      return true;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().contains("reset");
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
