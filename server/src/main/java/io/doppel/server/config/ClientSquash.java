package io.doppel.server.config;

/**
 * The {@code squash} of a client rule: which callers are mapped to the anonymous uid/gid. Maps to
 * the nfs module's Squash.
 */
public enum ClientSquash {
  /** Callers keep their uid/gid. */
  NONE("none"),
  /** uid 0 becomes the anonymous uid/gid. */
  ROOT("root"),
  /** Every caller becomes the anonymous uid/gid. */
  ALL("all");

  private final String key;

  ClientSquash(String key) {
    this.key = key;
  }

  /** The spelling in the config file. */
  public String key() {
    return key;
  }
}
