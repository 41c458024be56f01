package io.doppel.replication.sim;

import io.doppel.replication.wire.MalformedMessageException;
import io.doppel.replication.wire.MessageCodec;
import io.doppel.replication.wire.Record;
import io.doppel.replication.wire.ReplicationMessage;
import io.doppel.replication.wire.WireLimits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * A network between named nodes that drops, delays (and so reorders), duplicates and corrupts
 * messages, and cuts links one way or both. Every message goes through the real codec.
 */
final class SimNetwork {
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final MessageCodec codec = new MessageCodec(WireLimits.DEFAULT);
  private final Set<String> cut = new HashSet<>();
  private final Set<String> down = new HashSet<>();
  private final java.util.Map<String, BiConsumer<String, ReplicationMessage>> nodes =
      new java.util.HashMap<>();
  double dropRate;
  double duplicateRate;
  double corruptRate;
  long minDelayNanos = 50_000;
  long maxDelayNanos = 2_000_000;
  long delivered;

  SimNetwork(Scheduler scheduler, RandomGenerator random) {
    this.scheduler = scheduler;
    this.random = random;
  }

  void register(String node, BiConsumer<String, ReplicationMessage> inbox) {
    nodes.put(node, inbox);
  }

  void cut(String from, String to, boolean cutIt) {
    if (cutIt) {
      cut.add(from + ">" + to);
    } else {
      cut.remove(from + ">" + to);
    }
  }

  void setDown(String node, boolean isDown) {
    if (isDown) {
      down.add(node);
    } else {
      down.remove(node);
    }
  }

  void heal() {
    cut.clear();
    dropRate = 0;
    duplicateRate = 0;
    corruptRate = 0;
  }

  void send(String from, String to, ReplicationMessage m) {
    byte[] bytes = codec.encode(m);
    if (random.nextDouble() < dropRate) {
      return;
    }
    int copies = random.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = minDelayNanos + random.nextLong(maxDelayNanos - minDelayNanos + 1);
      boolean corrupt = random.nextDouble() < corruptRate;
      scheduler.after(delay, () -> deliver(from, to, bytes, corrupt));
    }
  }

  private void deliver(String from, String to, byte[] bytes, boolean corrupt) {
    if (cut.contains(from + ">" + to) || down.contains(to) || down.contains(from)) {
      return;
    }
    ReplicationMessage m;
    try {
      m = codec.decode(ByteBuffer.wrap(bytes));
    } catch (MalformedMessageException e) {
      throw new AssertionError("codec failed on its own output", e);
    }
    if (corrupt) {
      m = corrupt(m);
    }
    delivered++;
    nodes.get(to).accept(from, m);
  }

  /** Flips a payload byte but keeps the checksum: the receiver must notice. */
  private static ReplicationMessage corrupt(ReplicationMessage m) {
    if (m instanceof ReplicationMessage.Append a && !a.records().isEmpty()) {
      List<Record> records = new ArrayList<>(a.records());
      Record r = records.get(0);
      byte[] p = r.payload().clone();
      p[0] ^= 0x5a;
      records.set(0, new Record(r.resource(), r.epoch(), r.seq(), r.kind(), p, r.checksum()));
      return new ReplicationMessage.Append(a.resource(), a.epoch(), a.syncRequested(), records);
    }
    return m;
  }
}
