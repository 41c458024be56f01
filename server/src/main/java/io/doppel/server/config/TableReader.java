package io.doppel.server.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads typed values out of one table of the neutral tree, reporting every problem with the full
 * key path ({@code exports[1].clients[0].match}) and carrying on with a default, so that one pass
 * finds all errors. Keys the section does not define are errors too: a typo must not be silent.
 */
final class TableReader {
  private final ConfigErrors errors;
  private final String path;
  private final Map<String, Object> values;

  TableReader(ConfigErrors errors, String path, Map<String, Object> values, List<String> known) {
    this.errors = errors;
    this.path = path;
    this.values = values;
    Set<String> knownSet = Set.copyOf(known);
    for (String key : values.keySet()) {
      if (!knownSet.contains(key)) {
        errors.add(keyPath(key), "unknown key (expected one of " + String.join(", ", known) + ")");
      }
    }
  }

  ConfigErrors errors() {
    return errors;
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The value as read, without checks (null when absent). */
  Object raw(String key) {
    return values.get(key);
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  /** True when {@code key} is present and holds a string (values that take two forms). */
  boolean isString(String key) {
    return values.get(key) instanceof String;
  }

  /** A string, or empty when missing (reported when required) or of the wrong type. */
  Optional<String> string(String key, boolean required, String expected) {
    if (!values.containsKey(key)) {
      if (required) {
        missing(key, expected);
      }
      return Optional.empty();
    }
    Object v = values.get(key);
    if (v instanceof String s) {
      return Optional.of(s);
    }
    wrong(key, expected, v);
    return Optional.empty();
  }

  /** An integer in {@code min..max}; the default when missing or invalid. */
  long integer(String key, long min, long max, long defaultValue) {
    return integer(key, min, max, "an integer " + min + ".." + max, false).orElse(defaultValue);
  }

  Optional<Long> integer(String key, long min, long max, String expected, boolean required) {
    if (!values.containsKey(key)) {
      if (required) {
        missing(key, expected);
      }
      return Optional.empty();
    }
    Object v = values.get(key);
    if (v instanceof Long n && n >= min && n <= max) {
      return Optional.of(n);
    }
    wrong(key, expected, v);
    return Optional.empty();
  }

  boolean bool(String key, boolean defaultValue) {
    if (!values.containsKey(key)) {
      return defaultValue;
    }
    Object v = values.get(key);
    if (v instanceof Boolean b) {
      return b;
    }
    wrong(key, "true or false", v);
    return defaultValue;
  }

  /** An array of strings, or empty when missing (reported when required) or of the wrong type. */
  Optional<List<String>> strings(String key, boolean required, String expected) {
    if (!values.containsKey(key)) {
      if (required) {
        missing(key, expected);
      }
      return Optional.empty();
    }
    Object v = values.get(key);
    if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return Optional.of(list.stream().map(String.class::cast).toList());
    }
    wrong(key, expected, v);
    return Optional.empty();
  }

  /** One of a fixed set of words (e.g. {@code rw | ro}); the default when missing or invalid. */
  <E> E choice(String key, Map<String, E> choices, E defaultValue) {
    String expected = "one of " + String.join(", ", choices.keySet());
    Optional<String> word = string(key, false, expected);
    if (word.isEmpty()) {
      return defaultValue;
    }
    E value = choices.get(word.get());
    if (value == null) {
      wrong(key, expected, word.get());
      return defaultValue;
    }
    return value;
  }

  /** A sub-table ({@code [nfs]}); empty when missing, reported when of another type. */
  Map<String, Object> table(String key) {
    Object v = values.get(key);
    if (v == null && !values.containsKey(key)) {
      return Map.of();
    }
    if (v instanceof Map<?, ?> m) {
      return asTable(m);
    }
    wrong(key, "a table", v);
    return Map.of();
  }

  /** An array of tables ({@code [[exports]]}), each paired with its key path. */
  List<Map.Entry<String, Map<String, Object>>> tables(String key, boolean required) {
    String expected = "an array of tables ([[" + keyPath(key) + "]])";
    if (!values.containsKey(key)) {
      if (required) {
        missing(key, expected);
      }
      return List.of();
    }
    Object v = values.get(key);
    if (!(v instanceof List<?> list)) {
      wrong(key, expected, v);
      return List.of();
    }
    if (list.isEmpty() && required) {
      errors.add(keyPath(key), "expected at least one table, got an empty array");
    }
    List<Map.Entry<String, Map<String, Object>>> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String itemPath = keyPath(key) + "[" + i + "]";
      if (list.get(i) instanceof Map<?, ?> m) {
        out.add(Map.entry(itemPath, asTable(m)));
      } else {
        errors.add(itemPath, "expected a table, got " + describe(list.get(i)));
      }
    }
    return out;
  }

  /**
   * A string turned into a value by {@code parse}, which throws IllegalArgumentException when the
   * text is unusable; the exception's message, if any, is added to the error in parentheses.
   */
  <T> Optional<T> parsed(String key, boolean required, String expected, Function<String, T> parse) {
    Optional<String> text = string(key, required, expected);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(text.get()));
    } catch (IllegalArgumentException e) {
      String detail = e.getMessage();
      boolean noDetail = detail == null || detail.isBlank();
      errors.add(
          keyPath(key),
          "expected "
              + expected
              + ", got "
              + describe(text.get())
              + (noDetail ? "" : " (" + detail + ")"));
      return Optional.empty();
    }
  }

  void error(String key, String message) {
    errors.add(keyPath(key), message);
  }

  private void missing(String key, String expected) {
    errors.add(keyPath(key), "required key is missing, expected " + expected);
  }

  private void wrong(String key, String expected, Object got) {
    errors.add(keyPath(key), "expected " + expected + ", got " + describe(got));
  }

  private static Map<String, Object> asTable(Map<?, ?> m) {
    @SuppressWarnings("unchecked")
    Map<String, Object> table = (Map<String, Object>) m;
    return table;
  }

  /** How a value is shown in a message: strings quoted, numbers and booleans as written. */
  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return quote(s);
    }
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof BigInteger b) {
      return b.toString();
    }
    if (v instanceof Map<?, ?>) {
      return "a table";
    }
    if (v instanceof List<?>) {
      return "an array";
    }
    return v.toString();
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
