package io.doppel.cluster.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON line form of an {@link EventEnvelope} (Jackson does the escaping). */
public final class EventJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private EventJson() {}

  /** One line of JSON: envelope keys first, then the event's fields in their order. */
  public static String encode(EventEnvelope e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", e.type());
    out.put("time", e.time().toString());
    out.put("node", e.node());
    out.put("seq", e.seq());
    out.putAll(e.fields());
    try {
      return MAPPER.writeValueAsString(out);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("event field not encodable as JSON: " + e.type(), ex);
    }
  }

  /** Parses one event line (for subscribers such as {@code doppel events}). */
  public static Map<String, Object> parse(String line) {
    try {
      return MAPPER.readValue(line, MAP);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("not an event line: " + ex.getOriginalMessage(), ex);
    }
  }
}
