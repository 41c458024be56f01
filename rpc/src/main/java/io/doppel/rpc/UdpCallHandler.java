package io.doppel.rpc;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One datagram is one RPC message (RFC 5531 §10: no record marking on UDP). */
@Sharable
final class UdpCallHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger LOG = LoggerFactory.getLogger(UdpCallHandler.class);
  private final CallDispatcher dispatcher;
  private final RpcStats stats;
  private final int maxRecordBytes;

  UdpCallHandler(CallDispatcher dispatcher, RpcStats stats, int maxRecordBytes) {
    this.dispatcher = dispatcher;
    this.stats = stats;
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    if (packet.content().readableBytes() > maxRecordBytes) {
      stats.oversizeRecords.increment();
      LOG.debug(
          "event=datagram_oversize client={} bytes={}",
          packet.sender(),
          packet.content().readableBytes());
      return;
    }
    dispatcher.dispatch(
        packet.content().retain(), ChannelResponder.udp(ctx.channel(), packet.sender()));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A UDP socket error (e.g. ICMP port unreachable) concerns one peer, not the socket: keep
    // serving.
    LOG.debug("event=udp_error error={}", cause.toString());
  }
}
