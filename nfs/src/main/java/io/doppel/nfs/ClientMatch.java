package io.doppel.nfs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which client addresses an export rule applies to: everyone, a CIDR block (IPv4 or IPv6), or the
 * addresses a host name resolves to (resolved once, when the rule is parsed, as exportfs does).
 */
public sealed interface ClientMatch {

  boolean matches(InetAddress client);

  /** The rule as written, for MOUNT EXPORT's group list and logs. */
  String text();

  /** Matches every client ({@code "*"}). */
  record Anyone() implements ClientMatch {
    @Override
    public boolean matches(InetAddress client) {
      return true;
    }

    @Override
    public String text() {
      return "*";
    }
  }

  /** Matches addresses whose first {@code prefixBits} bits equal {@code network}'s. */
  record Cidr(InetAddress network, int prefixBits) implements ClientMatch {
    public Cidr {
      int max = network.getAddress().length * 8;
      if (prefixBits < 0 || prefixBits > max) {
        throw new IllegalArgumentException(
            "prefix length " + prefixBits + " out of range 0.." + max + " for " + network);
      }
    }

    @Override
    public boolean matches(InetAddress client) {
      byte[] net = network.getAddress();
      byte[] addr = client.getAddress();
      if (net.length != addr.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (net[i] != addr[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (net[full] & mask) == (addr[full] & mask);
    }

    @Override
    public String text() {
      return network.getHostAddress() + "/" + prefixBits;
    }
  }

  /** Matches the addresses {@code name} resolved to when parsed. */
  record Host(String name, List<InetAddress> addresses) implements ClientMatch {
    public Host {
      addresses = List.copyOf(addresses);
    }

    @Override
    public boolean matches(InetAddress client) {
      return addresses.contains(client);
    }

    @Override
    public String text() {
      return name;
    }
  }

  /**
   * Parses {@code "*"}, a CIDR block ({@code "10.0.0.0/8"}, {@code "::1/128"}), a single IP (a
   * full-length prefix) or a host name.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  static ClientMatch parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("client match is empty; expected *, CIDR, IP or host");
    }
    String t = text.trim();
    if (t.equals("*")) {
      return new Anyone();
    }
    int slash = t.indexOf('/');
    if (slash >= 0) {
      InetAddress network = ClientMatchParsing.literal(t.substring(0, slash), text);
      int prefix = ClientMatchParsing.prefix(t.substring(slash + 1), text);
      try {
        return new Cidr(network, prefix);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("client match '" + text + "': " + e.getMessage(), e);
      }
    }
    if (ClientMatchParsing.looksLiteral(t)) {
      InetAddress addr = ClientMatchParsing.literal(t, text);
      return new Cidr(addr, addr.getAddress().length * 8);
    }
    return ClientMatchParsing.host(t);
  }
}

/** Parsing helpers that never touch DNS for something that is not a valid host name. */
final class ClientMatchParsing {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private ClientMatchParsing() {}

  static boolean looksLiteral(String s) {
    return s.contains(":") || IPV4.matcher(s).matches();
  }

  static InetAddress literal(String s, String whole) {
    boolean v4 = IPV4.matcher(s).matches();
    boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException(
          "client match '" + whole + "': '" + s + "' is not an IPv4 or IPv6 address");
    }
    if (v4 && Arrays.stream(s.split("\\.")).anyMatch(p -> Integer.parseInt(p) > 255)) {
      throw new IllegalArgumentException(
          "client match '" + whole + "': '" + s + "' has an octet above 255");
    }
    try {
      return InetAddress.getByName(s); // a literal: no DNS lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "client match '" + whole + "': '" + s + "' is not a valid address", e);
    }
  }

  static int prefix(String s, String whole) {
    if (!s.matches("\\d{1,3}")) {
      throw new IllegalArgumentException(
          "client match '" + whole + "': prefix length '" + s + "' is not a number");
    }
    return Integer.parseInt(s);
  }

  static ClientMatch.Host host(String name) {
    if (name.length() > 253 || !HOST.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "client match '" + name + "' is neither *, a CIDR block, an IP address nor a host name");
    }
    try {
      return new ClientMatch.Host(name, List.of(InetAddress.getAllByName(name)));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("client match '" + name + "': host name not found", e);
    }
  }
}
