package io.doppel.cluster.events;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one INFO line per event (events are state changes, so INFO per STYLE.md), key=value:
 * {@code event type=LINK_FAULT seq=7 node=a peer=b link=repl}. Values with spaces, quotes or {@code
 * =} are quoted.
 */
public final class LogEventSink implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger("io.doppel.events");

  @Override
  public String name() {
    return "log";
  }

  @Override
  public void deliver(EventEnvelope event) {
    if (log.isInfoEnabled()) {
      log.info(line(event));
    }
  }

  /** The log line for {@code event}. */
  public static String line(EventEnvelope event) {
    StringBuilder b = new StringBuilder("event");
    b.append(" type=").append(event.type());
    b.append(" seq=").append(event.seq());
    b.append(" node=").append(value(event.node()));
    b.append(" time=").append(event.time());
    for (Map.Entry<String, Object> f : event.fields().entrySet()) {
      b.append(' ').append(f.getKey()).append('=').append(value(event.text(f.getKey())));
    }
    return b.toString();
  }

  private static String value(String v) {
    if (!v.isEmpty() && v.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=')) {
      return v;
    }
    return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }
}
