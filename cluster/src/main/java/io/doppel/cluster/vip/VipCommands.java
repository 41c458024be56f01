package io.doppel.cluster.vip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command templates for adding, announcing, removing and checking a virtual address. A template is
 * split on whitespace into arguments (no shell), then {@code {address}} (with prefix), {@code {ip}}
 * (without) and {@code {interface}} are replaced in every argument. An empty announce template
 * skips the announcement; an empty check template disables the presence check.
 *
 * @param check prints something (exit 0) while the address is on the interface and nothing (exit 0)
 *     when it is not; a non-zero exit or a timeout means "could not tell"
 */
public record VipCommands(String add, String announce, String delete, String check) {
  private static final String IP_ADD = "ip addr add {address} dev {interface}";

  /** iproute2's view of one address on one interface: a line when present, nothing when not. */
  public static final String IP_CHECK = "ip -o addr show dev {interface} to {ip}";

  /** iproute2 and the Debian arping (Thomas Habets' arping: -U unsolicited, -S source, -i dev). */
  public static final VipCommands DEFAULTS =
      new VipCommands(
          IP_ADD,
          "arping -U -c 3 -i {interface} -S {ip} {ip}",
          "ip addr del {address} dev {interface}",
          IP_CHECK);

  public VipCommands {
    if (add == null || announce == null || delete == null || check == null) {
      throw new IllegalArgumentException("vip command templates are required");
    }
  }

  /**
   * Templates without an explicit check: the iproute2 check when {@code add} is iproute2's default,
   * none otherwise (a custom add, e.g. a marker file in tests, has no matching ip view to check).
   */
  public VipCommands(String add, String announce, String delete) {
    this(add, announce, delete, IP_ADD.equals(add) ? IP_CHECK : "");
  }

  /** {@code template} expanded for {@code a}; empty when the template is blank. */
  public static List<String> expand(String template, VirtualAddress a) {
    List<String> out = new ArrayList<>();
    for (String word : Arrays.asList(template.trim().split("\\s+"))) {
      if (!word.isEmpty()) {
        out.add(
            word.replace("{address}", a.cidr())
                .replace("{ip}", a.ip())
                .replace("{interface}", a.interfaceName()));
      }
    }
    return out;
  }
}
