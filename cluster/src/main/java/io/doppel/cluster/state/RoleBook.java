package io.doppel.cluster.state;

import io.doppel.cluster.ResourceId;
import java.io.IOException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's role state in memory, written through to its {@link RoleStateStore} on every change. A
 * failed write leaves the old state in place and returns false: a voter then refuses rather than
 * promise something it could forget.
 */
public final class RoleBook {
  private static final Logger log = LoggerFactory.getLogger(RoleBook.class);
  private final RoleStateStore store;
  private PersistedRoleState state;

  public RoleBook(RoleStateStore store) throws IOException {
    this.store = store;
    this.state = store.load();
  }

  public ResourceRoleState get(ResourceId r) {
    return state.get(r);
  }

  public PersistedRoleState snapshot() {
    return state;
  }

  /** Applies {@code change} and saves; false (and nothing changed) if the save failed. */
  public boolean update(ResourceId r, UnaryOperator<ResourceRoleState> change) {
    ResourceRoleState before = state.get(r);
    ResourceRoleState after = change.apply(before);
    if (after.equals(before)) {
      return true;
    }
    PersistedRoleState next = state.with(r, after);
    try {
      store.save(next);
    } catch (IOException e) {
      log.warn("role state save failed resource={} error={}", r, e.toString());
      return false;
    }
    state = next;
    return true;
  }
}
