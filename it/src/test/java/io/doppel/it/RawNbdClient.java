package io.doppel.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal NBD client (NetworkBlockDevice {@code doc/proto.md}): fixed-newstyle handshake with
 * NBD_OPT_EXPORT_NAME, simple replies, one request at a time. Real clients refuse to send what this
 * one sends on purpose: a WRITE to a read-only export, or a FUA write left without FLUSH or DISC
 * when the server is killed.
 */
final class RawNbdClient implements AutoCloseable {
  static final int CMD_READ = 0;
  static final int CMD_WRITE = 1;
  static final int FLAG_FUA = 1;
  static final int EPERM = 1;
  static final int TRANSMISSION_READ_ONLY = 2;
  private static final long NBDMAGIC = 0x4e42444d41474943L;
  private static final long IHAVEOPT = 0x49484156454F5054L;
  private static final int OPT_EXPORT_NAME = 1;
  private static final int REQUEST_MAGIC = 0x25609513;
  private static final int SIMPLE_REPLY_MAGIC = 0x67446698;
  private static final int FIXED_NEWSTYLE = 1;
  private static final int NO_ZEROES = 2;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final long size;
  private final int transmissionFlags;
  private long nextHandle = 1;

  /** One reply: the error (0 = ok) and, for a successful READ, the data. */
  record Reply(int error, byte[] data) {}

  private RawNbdClient(Socket socket, String export) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = new DataOutputStream(socket.getOutputStream());
    expect(in.readLong() == NBDMAGIC, "NBDMAGIC");
    expect(in.readLong() == IHAVEOPT, "IHAVEOPT");
    int serverFlags = in.readUnsignedShort();
    expect((serverFlags & FIXED_NEWSTYLE) != 0, "fixed newstyle");
    boolean noZeroes = (serverFlags & NO_ZEROES) != 0;
    out.writeInt(FIXED_NEWSTYLE | (noZeroes ? NO_ZEROES : 0));
    byte[] name = export.getBytes(StandardCharsets.UTF_8);
    out.writeLong(IHAVEOPT);
    out.writeInt(OPT_EXPORT_NAME);
    out.writeInt(name.length);
    out.write(name);
    out.flush();
    this.size = in.readLong();
    this.transmissionFlags = in.readUnsignedShort();
    if (!noZeroes) {
      in.readFully(new byte[124]);
    }
  }

  static RawNbdClient connect(int port, String export) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(30_000);
      return new RawNbdClient(s, export);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  long size() {
    return size;
  }

  int transmissionFlags() {
    return transmissionFlags;
  }

  Reply write(long offset, byte[] data, int flags) throws IOException {
    return request(CMD_WRITE, flags, offset, data.length, data);
  }

  Reply read(long offset, int length) throws IOException {
    return request(CMD_READ, 0, offset, length, null);
  }

  private Reply request(int type, int flags, long offset, int length, byte[] payload)
      throws IOException {
    long handle = nextHandle++;
    out.writeInt(REQUEST_MAGIC);
    out.writeShort(flags);
    out.writeShort(type);
    out.writeLong(handle);
    out.writeLong(offset);
    out.writeInt(length);
    if (payload != null) {
      out.write(payload);
    }
    out.flush();
    expect(in.readInt() == SIMPLE_REPLY_MAGIC, "simple reply magic");
    int error = in.readInt();
    expect(in.readLong() == handle, "reply handle " + handle);
    byte[] data = new byte[0];
    if (type == CMD_READ && error == 0) {
      data = new byte[length];
      in.readFully(data);
    }
    return new Reply(error, data);
  }

  private static void expect(boolean ok, String what) throws IOException {
    if (!ok) {
      throw new IOException("NBD protocol: expected " + what);
    }
  }

  /** Closes the socket without NBD_CMD_DISC (like a client that died). */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
