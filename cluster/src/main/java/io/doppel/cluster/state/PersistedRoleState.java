package io.doppel.cluster.state;

import io.doppel.cluster.ResourceId;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** All of a member's role state, saved as one unit (one atomic file write). */
public record PersistedRoleState(SortedMap<ResourceId, ResourceRoleState> resources) {
  /** Version of the on-disk format written by {@link FileRoleStateStore}. */
  public static final int FORMAT_VERSION = 1;

  public static final Comparator<ResourceId> ORDER =
      Comparator.comparing(ResourceId::kind).thenComparing(ResourceId::name);

  public static final PersistedRoleState EMPTY = new PersistedRoleState(new TreeMap<>(ORDER));

  public PersistedRoleState {
    TreeMap<ResourceId, ResourceRoleState> copy = new TreeMap<>(ORDER);
    copy.putAll(resources);
    resources = Collections.unmodifiableSortedMap(copy);
  }

  public ResourceRoleState get(ResourceId r) {
    return resources.getOrDefault(r, ResourceRoleState.EMPTY);
  }

  public PersistedRoleState with(ResourceId r, ResourceRoleState s) {
    TreeMap<ResourceId, ResourceRoleState> copy = new TreeMap<>(ORDER);
    copy.putAll(resources);
    copy.put(r, s);
    return new PersistedRoleState(copy);
  }

  public static PersistedRoleState of(Map<ResourceId, ResourceRoleState> m) {
    TreeMap<ResourceId, ResourceRoleState> copy = new TreeMap<>(ORDER);
    copy.putAll(m);
    return new PersistedRoleState(copy);
  }
}
