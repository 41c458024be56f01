package io.doppel.server.node;

import io.doppel.cluster.ClusterEvent;
import io.doppel.cluster.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every cluster event to the log as one key=value line ({@code event=cluster type=LINK_FAULT
 * ...}); the stand-in until the events module (socket, hooks, SNMP) is wired. Alarms (failures,
 * faults, lost leases) are WARN, the rest INFO. Logback's appender does not block the agent long.
 */
final class LoggingEventSink implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger("io.doppel.cluster.events.log");

  @Override
  public void emit(ClusterEvent event) {
    boolean alarm =
        switch (event) {
          case ClusterEvent.NodeDown d -> true;
          case ClusterEvent.LinkFault f -> true;
          case ClusterEvent.LeaseLost l -> true;
          case ClusterEvent.QuorumLost q -> true;
          case ClusterEvent.FencingFailed f -> true;
          case ClusterEvent.FailoverNotConfigured f -> true;
          default -> false;
        };
    if (alarm) {
      LOG.warn("event=cluster type={} detail=\"{}\"", event.type(), event);
    } else {
      LOG.info("event=cluster type={} detail=\"{}\"", event.type(), event);
    }
  }
}
