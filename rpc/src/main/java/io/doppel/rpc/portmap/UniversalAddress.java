package io.doppel.rpc.portmap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Universal addresses (RFC 5665 §5.2.3.3/§5.2.3.4, used by RFC 1833): the host in its usual text
 * form followed by ".p1.p2", the port's high and low bytes.
 */
final class UniversalAddress {
  private UniversalAddress() {}

  static String format(InetAddress host, int port) {
    String h =
        host instanceof Inet6Address
            ? host.getHostAddress().replaceAll("%.*$", "")
            : host.getHostAddress();
    return h + "." + (port >> 8 & 0xff) + "." + (port & 0xff);
  }

  /** "0.0.0.0.p1.p2": any local IPv4 address, as a v2 SET registers. */
  static String wildcard4(int port) {
    return "0.0.0.0." + (port >> 8 & 0xff) + "." + (port & 0xff);
  }

  /** The port of a universal address, or -1 if it is malformed. */
  static int port(String address) {
    int last = address.lastIndexOf('.');
    int prev = last > 0 ? address.lastIndexOf('.', last - 1) : -1;
    if (prev < 0) {
      return -1;
    }
    try {
      int hi = Integer.parseInt(address.substring(prev + 1, last));
      int lo = Integer.parseInt(address.substring(last + 1));
      return hi < 0 || hi > 255 || lo < 0 || lo > 255 ? -1 : hi << 8 | lo;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The host part of a universal address. */
  static String host(String address) {
    int last = address.lastIndexOf('.');
    int prev = last > 0 ? address.lastIndexOf('.', last - 1) : -1;
    return prev < 0 ? address : address.substring(0, prev);
  }

  /** Whether the host part is a wildcard, which GETADDR replaces with the address called. */
  static boolean isWildcard(String address) {
    String h = host(address);
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
  }

  static InetAddress parseHost(String address) throws UnknownHostException {
    return InetAddress.getByName(host(address));
  }
}
