package io.doppel.cluster.vip;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command templates for adding, announcing and removing a virtual address. A template is split on
 * whitespace into arguments (no shell), then {@code {address}} (with prefix), {@code {ip}}
 * (without) and {@code {interface}} are replaced in every argument. An empty announce template
 * skips the announcement.
 */
public record VipCommands(String add, String announce, String delete) {
  /** iproute2 and the Debian arping (Thomas Habets' arping: -U unsolicited, -S source, -i dev). */
  public static final VipCommands DEFAULTS =
      new VipCommands(
          "ip addr add {address} dev {interface}",
          "arping -U -c 3 -i {interface} -S {ip} {ip}",
          "ip addr del {address} dev {interface}");

  public VipCommands {
    if (add == null || announce == null || delete == null) {
      throw new IllegalArgumentException("vip command templates are required");
    }
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
