package io.doppel.cluster.state;

/**
 * Keeps only what was saved (the simulation restarts members from it; also for tests and a single
 * node without a state directory). Thread-confined like the agent using it.
 */
public final class InMemoryRoleStateStore implements RoleStateStore {
  private PersistedRoleState saved = PersistedRoleState.EMPTY;
  private long saves;
  private boolean failing;

  @Override
  public PersistedRoleState load() {
    return saved;
  }

  @Override
  public void save(PersistedRoleState state) throws java.io.IOException {
    if (failing) {
      throw new java.io.IOException("simulated write failure");
    }
    saved = state;
    saves++;
  }

  /** Makes every following save fail (a full or broken disk). */
  public void failing(boolean on) {
    failing = on;
  }

  public long saves() {
    return saves;
  }
}
