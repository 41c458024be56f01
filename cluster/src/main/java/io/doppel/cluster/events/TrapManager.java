package io.doppel.cluster.events;

/** An SNMP manager that receives the v2c traps: {@code host:port} and community string. */
public record TrapManager(String host, int port, String community) {
  public TrapManager {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("trap manager host is required");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("trap manager port out of range: " + port);
    }
    if (community == null || community.isEmpty()) {
      throw new IllegalArgumentException("trap manager community is required");
    }
  }

  /** Parses {@code host[:port]} (default port 162). */
  public static TrapManager parse(String hostPort, String community) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0 || hostPort.endsWith("]")) {
      return new TrapManager(strip(hostPort), 162, community);
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      return new TrapManager(strip(hostPort.substring(0, colon)), port, community);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("trap manager port is not a number: " + hostPort, e);
    }
  }

  private static String strip(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
