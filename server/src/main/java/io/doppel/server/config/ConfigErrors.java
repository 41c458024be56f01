package io.doppel.server.config;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems for one file, formatting each as {@code file: key: message}. */
final class ConfigErrors {
  private final String file;
  private final List<String> errors = new ArrayList<>();

  ConfigErrors(String file) {
    this.file = file;
  }

  String file() {
    return file;
  }

  void add(String keyPath, String message) {
    errors.add(file + ": " + keyPath + ": " + message);
  }

  /** A problem without a key (a syntax error with its own position). */
  void addRaw(String message) {
    errors.add(message);
  }

  int count() {
    return errors.size();
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  void throwIfAny() throws ConfigException {
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
  }
}
