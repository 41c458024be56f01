package io.doppel.nfs.mount;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which clients mounted which paths, for MOUNT DUMP (RFC 1813 Appendix I). Advisory only, as in
 * every implementation: clients do not always UMNT, and it is not persisted.
 */
public final class MountTable {
  /** One remembered mount. */
  public record Mount(String host, String path) {}

  private final Set<Mount> mounts = new LinkedHashSet<>();

  public synchronized void add(String host, String path) {
    mounts.add(new Mount(host, path));
  }

  public synchronized void remove(String host, String path) {
    mounts.remove(new Mount(host, path));
  }

  public synchronized void removeAll(String host) {
    mounts.removeIf(m -> m.host().equals(host));
  }

  public synchronized List<Mount> list() {
    return new ArrayList<>(mounts);
  }
}
