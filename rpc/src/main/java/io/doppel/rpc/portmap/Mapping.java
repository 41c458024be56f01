package io.doppel.rpc.portmap;

/**
 * One registration (RFC 1833 §2.1 {@code rpcb}): a program version reachable over {@code netid}
 * ("tcp", "udp", "tcp6", "udp6") at a universal address, registered by {@code owner}.
 */
record Mapping(int program, int version, String netid, String address, String owner) {

  /** The v2 protocol number for this netid (RFC 1833 §3: IPPROTO_TCP 6, IPPROTO_UDP 17), or 0. */
  int protocol() {
    return switch (netid) {
      case "tcp" -> PortmapWire.IPPROTO_TCP;
      case "udp" -> PortmapWire.IPPROTO_UDP;
      default -> 0;
    };
  }

  static String netid(int protocol) {
    return switch (protocol) {
      case PortmapWire.IPPROTO_TCP -> "tcp";
      case PortmapWire.IPPROTO_UDP -> "udp";
      default -> null;
    };
  }
}
