package io.doppel.cluster.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One published event as every sink sees it: the event's type and fields plus when, where and in
 * which order it was published. {@code seq} increases by one per event published to the bus; a gap
 * a subscriber sees means the bus dropped events (queue full).
 *
 * <p>JSON form (one line on the events socket, {@code DOPPEL_EVENT_JSON} for hooks): {@code
 * {"type":"LINK_FAULT","time":"2026-01-01T00:00:00Z","node":"a","seq":7,"peer":"b","link":"repl"}}.
 */
public record EventEnvelope(
    String type, Instant time, String node, long seq, Map<String, Object> fields) {
  /** Names the envelope itself uses; event fields with these names get an {@code event_} prefix. */
  public static final Set<String> RESERVED = Set.of("type", "time", "node", "seq");

  public EventEnvelope {
    if (type == null || type.isEmpty() || time == null || node == null) {
      throw new IllegalArgumentException("type, time and node are required");
    }
    fields = Collections.unmodifiableMap(copyFields(fields));
  }

  /** Stamps {@code event} with its publication data. */
  public static EventEnvelope of(DoppelEvent event, Instant time, String defaultNode, long seq) {
    return new EventEnvelope(
        event.type(), time, event.reporter().orElse(defaultNode), seq, event.fields());
  }

  /** The single-line JSON form, without a trailing newline. */
  public String toJson() {
    return EventJson.encode(this);
  }

  /** A field as text: lists joined with commas, absent fields as empty text. */
  public String text(String field) {
    Object v = fields.get(field);
    if (v == null) {
      return "";
    }
    if (v instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return String.valueOf(v);
  }

  private static Map<String, Object> copyFields(Map<String, Object> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : in.entrySet()) {
      String name = RESERVED.contains(e.getKey()) ? "event_" + e.getKey() : e.getKey();
      Object v = e.getValue();
      out.put(name, v instanceof List<?> l ? List.copyOf(l) : v);
    }
    return out;
  }
}
