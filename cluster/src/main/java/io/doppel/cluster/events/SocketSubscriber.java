package io.doppel.cluster.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One application connected to the events socket: a non-blocking channel and the bytes the kernel
 * did not take yet, bounded by {@code maxPendingBytes}. Written by the bus dispatcher ({@link
 * #offer}) and the socket's I/O thread ({@link #flush}); the lock keeps lines whole and in order.
 */
final class SocketSubscriber {
  /** What became of an offer. */
  enum Offer {
    /** Written or queued within the bound. */
    OK,
    /** The bound would be exceeded: the subscriber must be dropped. */
    OVERFLOW,
    /** The connection failed (peer gone). */
    BROKEN
  }

  private final SocketChannel channel;
  private final long id;
  private final int maxPendingBytes;
  private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
  private int pendingBytes;
  private SelectionKey key;

  SocketSubscriber(SocketChannel channel, long id, int maxPendingBytes) {
    this.channel = channel;
    this.id = id;
    this.maxPendingBytes = maxPendingBytes;
  }

  long id() {
    return id;
  }

  SocketChannel channel() {
    return channel;
  }

  synchronized void attach(SelectionKey key) {
    this.key = key;
  }

  /** Writes {@code line} now if the kernel takes it, else queues it within the bound. */
  synchronized Offer offer(ByteBuffer line) {
    try {
      if (pending.isEmpty()) {
        channel.write(line);
        if (!line.hasRemaining()) {
          return Offer.OK;
        }
      }
      if (pendingBytes + line.remaining() > maxPendingBytes) {
        return Offer.OVERFLOW;
      }
      pendingBytes += line.remaining();
      pending.add(line);
      key.interestOpsOr(SelectionKey.OP_WRITE);
      return Offer.OK;
    } catch (IOException | RuntimeException e) {
      return Offer.BROKEN;
    }
  }

  /** Called by the I/O thread when the channel is writable. */
  synchronized void flush() throws IOException {
    while (!pending.isEmpty()) {
      ByteBuffer head = pending.peek();
      int before = head.remaining();
      channel.write(head);
      pendingBytes -= before - head.remaining();
      if (head.hasRemaining()) {
        return;
      }
      pending.poll();
    }
    key.interestOpsAnd(~SelectionKey.OP_WRITE);
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a socket we give up on; nothing left to do.
    }
  }
}
