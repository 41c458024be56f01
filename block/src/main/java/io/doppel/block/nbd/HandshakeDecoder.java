package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the client side of the fixed-newstyle handshake: the client flags, then options (NBD
 * proto.md, "Fixed newstyle negotiation"). An explicit state machine; an option's length is checked
 * against {@link NbdWire#MAX_OPTION_BYTES} before anything is allocated, and an oversized payload
 * is skipped as it streams in. Emits at most one message per call so that the handler can switch
 * the pipeline to the transmission phase before the next bytes are decoded.
 */
final class HandshakeDecoder extends ByteToMessageDecoder {

  /** Where the decoder is in the client's byte stream. */
  enum State {
    /** Waiting for the 4-byte client flags. */
    CLIENT_FLAGS,
    /** Waiting for a 16-byte option header. */
    OPTION_HEADER,
    /** Waiting for the rest of an accepted option payload. */
    OPTION_DATA,
    /** Skipping an oversized payload. */
    OPTION_SKIP,
    /** A framing error was reported; everything further is dropped. */
    BROKEN
  }

  private State state = State.CLIENT_FLAGS;
  private int option;
  private long length;
  private long toSkip;

  State state() {
    return state;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    switch (state) {
      case CLIENT_FLAGS -> {
        if (in.readableBytes() >= 4) {
          state = State.OPTION_HEADER;
          out.add(new HandshakeMessage.ClientFlags(in.readInt()));
        }
      }
      case OPTION_HEADER -> header(in, out);
      case OPTION_DATA -> data(in, out);
      case OPTION_SKIP -> skip(in, out);
      case BROKEN -> in.skipBytes(in.readableBytes());
    }
  }

  private void header(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < NbdWire.OPTION_HEADER_BYTES) {
      return;
    }
    long magic = in.readLong();
    if (magic != NbdWire.IHAVEOPT) {
      state = State.BROKEN;
      in.skipBytes(in.readableBytes());
      out.add(new HandshakeMessage.BadOptionMagic(magic));
      return;
    }
    option = in.readInt();
    length = in.readUnsignedInt();
    if (length > NbdWire.MAX_OPTION_BYTES) {
      toSkip = length;
      state = State.OPTION_SKIP;
      skip(in, out);
    } else {
      state = State.OPTION_DATA;
      // Decode now: an empty payload leaves nothing readable, and the decoder loop would not call
      // us again until more bytes arrived.
      data(in, out);
    }
  }

  private void data(ByteBuf in, List<Object> out) {
    if (in.readableBytes() >= length) {
      byte[] data = new byte[(int) length];
      in.readBytes(data);
      state = State.OPTION_HEADER;
      out.add(new HandshakeMessage.OptionRequest(option, data));
    }
  }

  private void skip(ByteBuf in, List<Object> out) {
    int n = (int) Math.min(toSkip, in.readableBytes());
    in.skipBytes(n);
    toSkip -= n;
    if (toSkip == 0) {
      state = State.OPTION_HEADER;
      out.add(new HandshakeMessage.OversizedOption(option, length));
    }
  }
}
