package io.doppel.cluster;

/**
 * The name of a network path between members (e.g. "client" and "replication"): two members are
 * connected over a link when both define an address for it (seed 003: serial link + LAN).
 */
public record LinkId(String name) {
  public LinkId {
    Ids.check(name, "link id");
  }

  @Override
  public String toString() {
    return name;
  }
}
