package io.doppel.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a state enum changes (STYLE.md): checks legality, logs once at INFO ({@code from →
 * to, reason, epoch}), counts in {@link ClusterStats} and timestamps. Single-threaded, like the
 * agent that owns it.
 */
public final class StateMachine<E extends Enum<E> & StateMachine.State<E>> {
  private static final Logger log = LoggerFactory.getLogger(StateMachine.class);

  /** A state enum with its table of legal successors. */
  public interface State<E> {
    boolean canMoveTo(E next);
  }

  private final String name;
  private final ClusterStats stats;
  private E state;
  private long sinceNanos;

  /**
   * @param name what the machine is, for logs and metrics (e.g. {@code role[export:home]})
   */
  public StateMachine(String name, E initial, long nowNanos, ClusterStats stats) {
    this.name = name;
    this.state = initial;
    this.sinceNanos = nowNanos;
    this.stats = stats;
  }

  public E state() {
    return state;
  }

  /** When the current state was entered, on the owner's clock. */
  public long sinceNanos() {
    return sinceNanos;
  }

  /**
   * Moves to {@code next}; throws IllegalStateException on an illegal transition (a bug). Moving to
   * the current state is a no-op and returns false.
   */
  public boolean moveTo(E next, long nowNanos, String reason, Epoch epoch) {
    if (next == state) {
      return false;
    }
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException(name + ": illegal transition " + state + " -> " + next);
    }
    log.info("{} {} -> {} reason={} epoch={}", name, state, next, reason, epoch);
    stats.transition(state.getDeclaringClass().getSimpleName(), next.name());
    state = next;
    sinceNanos = nowNanos;
    return true;
  }
}
