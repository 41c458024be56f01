package io.doppel.fs;

import java.util.List;

/**
 * The identity a request acts as, after export squashing: permission checks (owner, group,
 * supplementary groups, other; uid 0 bypasses except for execute) use it.
 */
public record Caller(int uid, int gid, List<Integer> groups) {
  public Caller {
    groups = List.copyOf(groups);
  }

  public static final Caller ROOT = new Caller(0, 0, List.of());

  public boolean inGroup(int g) {
    return gid == g || groups.contains(g);
  }
}
