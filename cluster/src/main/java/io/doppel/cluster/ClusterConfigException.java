package io.doppel.cluster;

import java.util.List;

/** The cluster definition is inconsistent; the message lists every problem found. */
public final class ClusterConfigException extends IllegalArgumentException {
  private final List<String> problems;

  public ClusterConfigException(List<String> problems) {
    super("invalid cluster definition:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
