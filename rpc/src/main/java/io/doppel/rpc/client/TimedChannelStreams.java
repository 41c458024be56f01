package io.doppel.rpc.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Blocking streams with a timeout over a non-blocking channel. Unix domain socket channels have no
 * SO_TIMEOUT, so each read and write waits on a selector for at most {@code timeoutMillis}.
 */
final class TimedChannelStreams implements Closeable {
  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final long timeoutMillis;

  TimedChannelStreams(SocketChannel channel, long timeoutMillis) throws IOException {
    this.channel = channel;
    this.timeoutMillis = timeoutMillis;
    channel.configureBlocking(false);
    this.selector = Selector.open();
    this.key = channel.register(selector, 0);
  }

  private void await(int ops) throws IOException {
    key.interestOps(ops);
    selector.selectedKeys().clear();
    if (selector.select(timeoutMillis) == 0) {
      throw new SocketTimeoutException("no progress within " + timeoutMillis + " ms");
    }
  }

  InputStream in() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (true) {
          int n = channel.read(ByteBuffer.wrap(b, off, len));
          if (n != 0) {
            return n;
          }
          await(SelectionKey.OP_READ);
        }
      }
    };
  }

  OutputStream out() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
          if (channel.write(buf) == 0) {
            await(SelectionKey.OP_WRITE);
          }
        }
      }
    };
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
