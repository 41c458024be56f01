package io.doppel.server.node;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node has opened, closed in reverse order of opening. A failing close is logged and the
 * rest still close: a stuck admin socket must not keep RocksDB from closing cleanly.
 */
final class Resources {
  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

  private record Named(String name, AutoCloseable resource) {}

  private final Deque<Named> opened = new ArrayDeque<>();

  <T extends AutoCloseable> T add(String name, T resource) {
    opened.push(new Named(name, resource));
    return resource;
  }

  void closeAll() {
    while (!opened.isEmpty()) {
      Named n = opened.pop();
      try {
        n.resource().close();
        LOG.debug("event=closed resource={}", n.name());
      } catch (Exception e) {
        LOG.warn("event=close_failed resource={} error={}", n.name(), e.toString(), e);
      }
    }
  }
}
