package io.doppel.server.config;

/**
 * The {@code access} of a client rule: {@code rw} or {@code ro}. Maps to the nfs module's Access.
 */
public enum ClientAccess {
  READ_WRITE("rw"),
  READ_ONLY("ro");

  private final String key;

  ClientAccess(String key) {
    this.key = key;
  }

  /** The spelling in the config file. */
  public String key() {
    return key;
  }
}
