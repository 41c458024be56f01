package io.doppel.cluster;

import io.doppel.cluster.message.Message;

/**
 * Sends one message to a member over one link, best effort (a datagram: it may be lost, duplicated
 * or reordered; the agents are built for that). Implemented by the UDP transport and by the
 * simulation's network. Must not block the agent thread.
 */
public interface Transport {
  void send(NodeId to, LinkId link, Message message);
}
