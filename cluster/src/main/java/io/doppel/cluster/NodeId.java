package io.doppel.cluster;

import java.util.Objects;

/** The name of a cluster member (a storage node or the witness), unique in the definition. */
public record NodeId(String name) implements Comparable<NodeId> {
  public NodeId {
    Ids.check(name, "node id");
  }

  @Override
  public int compareTo(NodeId o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return Objects.toString(name);
  }
}
