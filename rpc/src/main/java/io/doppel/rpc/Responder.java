package io.doppel.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/** Where the replies to one connection's or one datagram's calls go. Thread-safe. */
interface Responder {
  ByteBufAllocator alloc();

  /** Sends one reply message (without record marking); takes ownership of {@code reply}. */
  void send(ByteBuf reply);

  InetSocketAddress client();

  InetSocketAddress local();

  Transport transport();
}
