package io.doppel.cluster;

import java.nio.charset.StandardCharsets;

/** Shared validation of identifiers: they travel in datagrams, so their size is bounded. */
final class Ids {
  /** Longest identifier in UTF-8 bytes; the codec relies on it. */
  static final int MAX_BYTES = 64;

  private Ids() {}

  static void check(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new IllegalArgumentException(what + " longer than " + MAX_BYTES + " bytes: " + value);
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i)) || Character.isWhitespace(value.charAt(i))) {
        throw new IllegalArgumentException(what + " contains whitespace or control chars");
      }
    }
  }
}
