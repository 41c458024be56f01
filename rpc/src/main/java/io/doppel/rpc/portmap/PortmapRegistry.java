package io.doppel.rpc.portmap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The portmapper's table of registrations, keyed by (program, version, netid) as in RFC 1833 §2.2
 * (a second SET for the same key is refused until it is UNSET). Thread-safe; DUMP lists entries in
 * registration order.
 */
final class PortmapRegistry {
  private record Key(int program, int version, String netid) {}

  private final Map<Key, Mapping> mappings = new LinkedHashMap<>();

  /** Adds a registration; false if (program, version, netid) is already registered. */
  synchronized boolean set(Mapping m) {
    return mappings.putIfAbsent(new Key(m.program(), m.version(), m.netid()), m) == null;
  }

  /** Removes registrations of (program, version) on {@code netid}, or on every netid if null. */
  synchronized boolean unset(int program, int version, String netid) {
    boolean removed = false;
    Iterator<Mapping> it = mappings.values().iterator();
    while (it.hasNext()) {
      Mapping m = it.next();
      if (m.program() == program
          && m.version() == version
          && (netid == null || m.netid().equals(netid))) {
        it.remove();
        removed = true;
      }
    }
    return removed;
  }

  /**
   * Finds the mapping for (program, version, netid). Unless {@code exactVersion}, another version
   * of the program on that netid is returned when the version asked for is missing, as rpcbind
   * does: the client then learns the supported range from PROG_MISMATCH.
   */
  synchronized Optional<Mapping> find(
      int program, int version, String netid, boolean exactVersion) {
    Mapping exact = mappings.get(new Key(program, version, netid));
    if (exact != null || exactVersion) {
      return Optional.ofNullable(exact);
    }
    return mappings.values().stream()
        .filter(m -> m.program() == program && m.netid().equals(netid))
        .findFirst();
  }

  synchronized List<Mapping> dump() {
    return new ArrayList<>(mappings.values());
  }
}
