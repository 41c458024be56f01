package io.doppel.server.config;

import java.util.List;

/**
 * The configuration is unusable. Carries every problem found, each naming the file, the key and
 * what was expected (e.g. {@code doppel.toml: exports[0].id: expected an integer 1..2147483647, got
 * "abc"}), so one start-up attempt reports all of them.
 */
public final class ConfigException extends Exception {
  private final List<String> errors;

  public ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public ConfigException(String error) {
    this(List.of(error));
  }

  /** Every problem, one line each, in the order found. */
  public List<String> errors() {
    return errors;
  }
}
