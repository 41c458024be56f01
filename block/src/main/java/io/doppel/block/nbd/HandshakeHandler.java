package io.doppel.block.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of the fixed-newstyle handshake (NBD proto.md, "Fixed newstyle negotiation"): sends
 * the greeting, checks the client flags, answers options through an {@link OptionNegotiator}, and
 * on NBD_OPT_GO / NBD_OPT_EXPORT_NAME replaces itself and its decoder with the transmission
 * handlers. Runs entirely on the channel's event loop and never blocks (lookups are in memory).
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);
  static final String DECODER_NAME = "nbd-handshake-decoder";
  static final String HANDLER_NAME = "nbd-handshake";

  private final OptionNegotiator negotiator;
  private final TransmissionContext transmission;
  private HandshakeState state = HandshakeState.AWAIT_CLIENT_FLAGS;
  private boolean noZeroes;

  HandshakeHandler(TransmissionContext transmission) {
    this.transmission = transmission;
    this.negotiator =
        new OptionNegotiator(
            transmission.volumes(), transmission.maxRequestBytes(), transmission.stats());
  }

  HandshakeState state() {
    return state;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ByteBuf greeting = ctx.alloc().buffer(18);
    greeting.writeLong(NbdWire.NBDMAGIC);
    greeting.writeLong(NbdWire.IHAVEOPT);
    greeting.writeShort(NbdWire.FLAG_FIXED_NEWSTYLE | NbdWire.FLAG_NO_ZEROES);
    ctx.writeAndFlush(greeting);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HandshakeMessage message)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (state == HandshakeState.CLOSED) {
      return;
    }
    switch (message) {
      case HandshakeMessage.ClientFlags f -> clientFlags(ctx, f.flags());
      case HandshakeMessage.OptionRequest o -> apply(ctx, negotiator.handle(o.option(), o.data()));
      case HandshakeMessage.OversizedOption o -> apply(ctx, negotiator.oversized(o.option()));
      case HandshakeMessage.BadOptionMagic m -> {
        transmission.stats().error(NbdError.BAD_OPTION_MAGIC);
        close(ctx, "bad option magic");
      }
    }
  }

  private void clientFlags(ChannelHandlerContext ctx, int flags) {
    int known = NbdWire.FLAG_C_FIXED_NEWSTYLE | NbdWire.FLAG_C_NO_ZEROES;
    if ((flags & ~known) != 0) {
      // proto.md: the server MUST drop the connection on an unknown client flag.
      transmission.stats().error(NbdError.BAD_CLIENT_FLAGS);
      close(ctx, "unknown client flags " + Integer.toHexString(flags));
      return;
    }
    noZeroes = (flags & NbdWire.FLAG_C_NO_ZEROES) != 0;
    state(HandshakeState.HAGGLING, "client flags " + flags);
  }

  private void apply(ChannelHandlerContext ctx, OptionOutcome outcome) {
    if (state != HandshakeState.HAGGLING) {
      transmission.stats().error(NbdError.PROTOCOL);
      close(ctx, "option before client flags");
      return;
    }
    switch (outcome) {
      case OptionOutcome.Continue c -> writeReplies(ctx, c.replies()).flush();
      case OptionOutcome.Abort a -> {
        writeReplies(ctx, a.replies());
        state(HandshakeState.CLOSED, "client abort");
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
      case OptionOutcome.Close c -> close(ctx, c.reason().label());
      case OptionOutcome.Transmission t -> enterTransmission(ctx, t);
    }
  }

  private ChannelHandlerContext writeReplies(ChannelHandlerContext ctx, List<OptionReply> replies) {
    for (OptionReply r : replies) {
      ctx.write(r.encode(ctx.alloc()));
    }
    return ctx;
  }

  private void enterTransmission(ChannelHandlerContext ctx, OptionOutcome.Transmission t) {
    if (t.exportName()) {
      ByteBuf reply = ctx.alloc().buffer(noZeroes ? 10 : 134);
      reply.writeLong(t.volume().sizeBytes());
      reply.writeShort(t.transmissionFlags());
      if (!noZeroes) {
        reply.writeZero(124);
      }
      ctx.write(reply);
    } else {
      writeReplies(ctx, t.replies());
    }
    ctx.flush();
    state(HandshakeState.TRANSMISSION, "export " + t.volume().name());
    transmission.stats().handshakeDone();
    ChannelPipeline p = ctx.pipeline();
    p.addAfter(
        DECODER_NAME,
        TransmissionHandler.DECODER_NAME,
        new RequestDecoder(transmission.maxRequestBytes()));
    p.replace(
        this,
        TransmissionHandler.HANDLER_NAME,
        new TransmissionHandler(transmission, t.volume(), t.structuredReplies()));
    // Removing the handshake decoder hands any bytes it already holds to the request decoder.
    p.remove(DECODER_NAME);
  }

  private void close(ChannelHandlerContext ctx, String reason) {
    state(HandshakeState.CLOSED, reason);
    ctx.close();
  }

  /** The one transition method: checks legality and logs. */
  private void state(HandshakeState next, String reason) {
    if (!next.predecessors().contains(state)) {
      throw new IllegalStateException("illegal handshake transition " + state + " -> " + next);
    }
    LOG.debug("event=nbd_handshake from={} to={} reason=\"{}\"", state, next, reason);
    state = next;
  }
}
