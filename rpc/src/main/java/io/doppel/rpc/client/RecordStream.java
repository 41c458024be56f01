package io.doppel.rpc.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Blocking record marking (RFC 5531 §11) over a socket's streams. Incoming records are bounded by
 * {@code maxRecordBytes}, checked against each fragment header before reading the fragment.
 */
final class RecordStream {
  private static final int LAST_FRAGMENT = 0x8000_0000;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final int maxRecordBytes;

  RecordStream(InputStream in, OutputStream out, int maxRecordBytes) {
    this.in = new DataInputStream(in);
    this.out = new DataOutputStream(out);
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Writes {@code record} as one last fragment. */
  void write(byte[] record, int offset, int length) throws IOException {
    out.writeInt(LAST_FRAGMENT | length);
    out.write(record, offset, length);
    out.flush();
  }

  /** Reads one whole record. */
  byte[] read() throws IOException {
    byte[] record = new byte[0];
    boolean last = false;
    while (!last) {
      int header = in.readInt();
      last = (header & LAST_FRAGMENT) != 0;
      int length = header & ~LAST_FRAGMENT;
      if (length > maxRecordBytes - record.length) {
        throw new IOException(
            "reply record over " + maxRecordBytes + " bytes (fragment of " + length + ")");
      }
      byte[] grown = java.util.Arrays.copyOf(record, record.length + length);
      in.readFully(grown, record.length, length);
      record = grown;
    }
    return record;
  }
}
