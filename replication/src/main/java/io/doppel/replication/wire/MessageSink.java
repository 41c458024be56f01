package io.doppel.replication.wire;

/**
 * Where an agent puts outgoing messages: a TCP connection in production, the simulated network in
 * tests. Sending never blocks and may silently lose the message (the protocol retransmits).
 */
@FunctionalInterface
public interface MessageSink {
  void send(ReplicationMessage message);
}
