package io.doppel.cluster;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A member and the address it listens on for each link. Two members talk over every link both
 * define (seed 003: heartbeats over the serial interconnect and the LAN). Links iterate in name
 * order so that agents behave the same on every run (the simulation depends on it).
 */
public record NodeSpec(NodeId id, SortedMap<LinkId, InetSocketAddress> links) {
  public NodeSpec(NodeId id, Map<LinkId, InetSocketAddress> links) {
    this(id, sorted(links));
  }

  public NodeSpec {
    if (id == null || links == null) {
      throw new IllegalArgumentException("node id and links are required");
    }
    links = Collections.unmodifiableSortedMap(sorted(links));
  }

  private static SortedMap<LinkId, InetSocketAddress> sorted(Map<LinkId, InetSocketAddress> in) {
    TreeMap<LinkId, InetSocketAddress> out = new TreeMap<>(Comparator.comparing(LinkId::name));
    if (in != null) {
      out.putAll(in);
    }
    return out;
  }
}
