package io.doppel.cluster.vip;

import io.doppel.cluster.ResourceId;

/**
 * A floating address owned by whichever node is primary of {@code resource} (a virtual server).
 *
 * @param cidr the address with its prefix, e.g. {@code 10.99.0.10/24}
 * @param interfaceName the interface it is added to, e.g. {@code eth0}
 */
public record VirtualAddress(ResourceId resource, String cidr, String interfaceName) {
  public VirtualAddress {
    if (resource == null || cidr == null || interfaceName == null) {
      throw new IllegalArgumentException("resource, address and interface are required");
    }
  }

  /** The address without its prefix length. */
  public String ip() {
    int slash = cidr.indexOf('/');
    return slash < 0 ? cidr : cidr.substring(0, slash);
  }
}
