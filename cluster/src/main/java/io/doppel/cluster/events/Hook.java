package io.doppel.cluster.events;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * A configured hook script: an executable run once per event whose type is in {@code types} (empty:
 * every event).
 */
public record Hook(Path executable, Set<String> types) {
  public Hook {
    if (executable == null) {
      throw new IllegalArgumentException("hook executable is required");
    }
    types =
        types.stream()
            .map(t -> t.toUpperCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** A hook for every event type. */
  public static Hook all(Path executable) {
    return new Hook(executable, Set.of());
  }

  public boolean wants(String type) {
    return types.isEmpty() || types.contains(type);
  }
}
