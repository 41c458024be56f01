package io.doppel.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each reassembled TCP record to the dispatcher, counts the connection, and stops reading
 * while the peer does not drain its replies (so a client that never reads cannot grow our outbound
 * buffer without bound).
 */
final class TcpCallHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(TcpCallHandler.class);
  private final CallDispatcher dispatcher;
  private final RpcStats stats;
  private ChannelResponder responder;

  TcpCallHandler(CallDispatcher dispatcher, RpcStats stats) {
    this.dispatcher = dispatcher;
    this.stats = stats;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    stats.connections.incrementAndGet();
    responder = ChannelResponder.tcp(ctx.channel());
    LOG.debug("event=connection_open remote={}", ctx.channel().remoteAddress());
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stats.connections.decrementAndGet();
    LOG.debug("event=connection_closed remote={}", ctx.channel().remoteAddress());
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (responder == null) {
      responder = ChannelResponder.tcp(ctx.channel());
    }
    dispatcher.dispatch((ByteBuf) msg, responder);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    ctx.channel().config().setAutoRead(ctx.channel().isWritable());
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug(
        "event=connection_error remote={} error={}",
        ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }
}
