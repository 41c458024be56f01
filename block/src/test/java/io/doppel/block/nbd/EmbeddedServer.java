package io.doppel.block.nbd;

import io.doppel.block.volume.Volume;
import io.doppel.block.volume.VolumeCatalog;
import io.doppel.metrics.MetricRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * An NBD connection on an {@link EmbeddedChannel} with the production pipeline. Worker tasks are
 * queued and run on demand ({@link #runWorkers}), so tests decide when I/O completes.
 */
final class EmbeddedServer {
  final NbdStats stats = new NbdStats(new MetricRegistry());
  final List<Runnable> queued = new ArrayList<>();
  final EmbeddedChannel channel;

  EmbeddedServer(int maxRequestBytes, Volume... volumes) {
    Executor workers = queued::add;
    TransmissionContext context =
        new TransmissionContext(
            VolumeCatalog.of(List.of(volumes)), maxRequestBytes, stats, workers, () -> 0L);
    channel = new EmbeddedChannel();
    channel
        .pipeline()
        .addLast(HandshakeHandler.DECODER_NAME, new HandshakeDecoder())
        .addLast(HandshakeHandler.HANDLER_NAME, new HandshakeHandler(context));
    channel.pipeline().fireChannelActive();
  }

  /** Runs queued volume work, then the completions it posted to the event loop. */
  void runWorkers() {
    while (!queued.isEmpty()) {
      List<Runnable> now = new ArrayList<>(queued);
      queued.clear();
      now.forEach(Runnable::run);
    }
    channel.runPendingTasks();
  }

  /** Everything the server wrote so far, concatenated. */
  ByteBuf output() {
    ByteBuf all = io.netty.buffer.Unpooled.buffer();
    ByteBuf b;
    while ((b = channel.readOutbound()) != null) {
      all.writeBytes(b);
      b.release();
    }
    return all;
  }
}
