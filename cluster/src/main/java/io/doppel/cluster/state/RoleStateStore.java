package io.doppel.cluster.state;

import java.io.IOException;

/**
 * Durable storage for a member's {@link PersistedRoleState}. {@link #save} returns only once the
 * state is durable: a voter's promise must survive a crash before the grant leaves the node.
 */
public interface RoleStateStore {
  /** The last saved state, or {@link PersistedRoleState#EMPTY} on first start. */
  PersistedRoleState load() throws IOException;

  void save(PersistedRoleState state) throws IOException;
}
