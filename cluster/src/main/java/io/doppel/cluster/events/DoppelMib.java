package io.doppel.cluster.events;

import java.util.Map;
import org.snmp4j.smi.OID;

/**
 * The object identifiers of {@code DOPPEL-MIB} (src/main/resources/DOPPEL-MIB.txt). The subtree is
 * {@code enterprises.32473}, the private enterprise number RFC 5612 reserves for documentation and
 * examples: an installation that forwards traps beyond its lab should renumber under its own PEN.
 * Notifications are {@code doppelNotifications.N} (the {@code .0} arc, RFC 2578 §8.5 for v1
 * translation); the event objects carried by every notification are {@code doppelEventObjects.N}.
 */
public final class DoppelMib {
  /** {@code doppelMIB}: enterprises.32473.7. */
  public static final OID ROOT = new OID("1.3.6.1.4.1.32473.7");

  public static final OID NOTIFICATIONS = child(ROOT, 0);
  public static final OID EVENT_OBJECTS = child(ROOT, 1, 1);

  public static final OID EVENT_NODE = child(EVENT_OBJECTS, 1);
  public static final OID EVENT_TYPE = child(EVENT_OBJECTS, 2);
  public static final OID EVENT_SEQ = child(EVENT_OBJECTS, 3);
  public static final OID EVENT_PEER = child(EVENT_OBJECTS, 4);
  public static final OID EVENT_RESOURCE = child(EVENT_OBJECTS, 5);
  public static final OID EVENT_EPOCH = child(EVENT_OBJECTS, 6);
  public static final OID EVENT_DETAIL = child(EVENT_OBJECTS, 7);

  /** Arc under {@link #NOTIFICATIONS} for event types without their own notification yet. */
  public static final int OTHER_EVENT = 99;

  /** Event type → arc under {@link #NOTIFICATIONS}; keep in step with the MIB file. */
  public static final Map<String, Integer> NOTIFICATION_ARCS =
      Map.ofEntries(
          Map.entry("NODE_UP", 1),
          Map.entry("NODE_DOWN", 2),
          Map.entry("LINK_FAULT", 3),
          Map.entry("LINK_RESTORED", 4),
          Map.entry("PARTNER_SHUTDOWN", 5),
          Map.entry("MACHINE_FAILED", 6),
          Map.entry("FAILOVER_NOT_CONFIGURED", 7),
          Map.entry("ROLE_CHANGED", 8),
          Map.entry("LEASE_LOST", 9),
          Map.entry("QUORUM_LOST", 10),
          Map.entry("QUORUM_REGAINED", 11),
          Map.entry("FENCING_FAILED", 12),
          Map.entry("VIP_FAILED", 13));

  private DoppelMib() {}

  /** The notification OID for an event type ({@code doppelOtherEvent} if it has none). */
  public static OID notification(String type) {
    return child(NOTIFICATIONS, NOTIFICATION_ARCS.getOrDefault(type, OTHER_EVENT));
  }

  private static OID child(OID parent, int... arcs) {
    OID o = new OID(parent);
    for (int a : arcs) {
      o.append(a);
    }
    return o;
  }
}
