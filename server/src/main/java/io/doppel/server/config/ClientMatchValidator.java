package io.doppel.server.config;

/**
 * Checks a client rule's {@code match} text. Production passes the nfs module's {@code
 * ClientMatch::parse}; its IllegalArgumentException message becomes part of the config error.
 */
@FunctionalInterface
public interface ClientMatchValidator {
  /**
   * Returns normally when {@code match} is usable.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  void check(String match);
}
