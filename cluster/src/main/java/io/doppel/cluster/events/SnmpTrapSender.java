package io.doppel.cluster.events;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * Sends every event as an SNMP v2c trap (RFC 3416 §4.2.6 SNMPv2-Trap-PDU) to the configured
 * managers with SNMP4J. Varbinds: {@code sysUpTime.0}, {@code snmpTrapOID.0} = the event type's
 * notification ({@link DoppelMib#notification}), then the {@code DOPPEL-MIB} event objects node,
 * type, seq, peer, resource, epoch, detail (always all seven, empty or 0 when the event has none;
 * detail holds the remaining fields as {@code key=value}). Traps are unacknowledged UDP: sending
 * does not block on the manager; a send error is counted and logged.
 */
public final class SnmpTrapSender implements EnvelopeSink {
  private static final Logger log = LoggerFactory.getLogger(SnmpTrapSender.class);
  private static final Set<String> OWN_FIELDS = Set.of("peer", "resource", "epoch");
  private static final int DETAIL_MAX = 255;

  private final List<CommunityTarget<UdpAddress>> targets;
  private final Snmp snmp;
  private final InstantSource clock;
  private final Instant started;
  private final EventsStats stats;

  /** Resolves the managers' addresses now; opens one UDP socket. */
  public SnmpTrapSender(List<TrapManager> managers, InstantSource clock, EventsStats stats)
      throws IOException {
    this.clock = clock;
    this.started = clock.instant();
    this.stats = stats;
    List<CommunityTarget<UdpAddress>> t = new ArrayList<>();
    for (TrapManager m : managers) {
      UdpAddress address = new UdpAddress(InetAddress.getByName(m.host()), m.port());
      CommunityTarget<UdpAddress> target =
          new CommunityTarget<>(address, new OctetString(m.community()));
      target.setVersion(SnmpConstants.version2c);
      t.add(target);
    }
    this.targets = List.copyOf(t);
    this.snmp = new Snmp(new DefaultUdpTransportMapping());
  }

  @Override
  public String name() {
    return "snmp";
  }

  @Override
  public void deliver(EventEnvelope event) {
    PDU pdu = pdu(event);
    for (CommunityTarget<UdpAddress> target : targets) {
      try {
        snmp.notify(pdu, target);
        stats.trap("sent");
      } catch (IOException | RuntimeException e) {
        stats.trap("failed");
        log.warn(
            "snmp trap failed manager={} type={} seq={} error={}",
            target.getAddress(),
            event.type(),
            event.seq(),
            e.toString());
      }
    }
  }

  /** The SNMPv2-Trap PDU for {@code event}. */
  PDU pdu(EventEnvelope event) {
    PDU pdu = new PDU();
    pdu.setType(PDU.TRAP);
    long centis = Math.max(0, Duration.between(started, clock.instant()).toMillis() / 10);
    pdu.add(new VariableBinding(SnmpConstants.sysUpTime, new TimeTicks(centis & 0xFFFF_FFFFL)));
    pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, DoppelMib.notification(event.type())));
    pdu.add(new VariableBinding(DoppelMib.EVENT_NODE, text(event.node())));
    pdu.add(new VariableBinding(DoppelMib.EVENT_TYPE, text(event.type())));
    pdu.add(new VariableBinding(DoppelMib.EVENT_SEQ, new Counter64(event.seq())));
    pdu.add(new VariableBinding(DoppelMib.EVENT_PEER, text(event.text("peer"))));
    pdu.add(new VariableBinding(DoppelMib.EVENT_RESOURCE, text(event.text("resource"))));
    pdu.add(new VariableBinding(DoppelMib.EVENT_EPOCH, epoch(event)));
    pdu.add(new VariableBinding(DoppelMib.EVENT_DETAIL, text(detail(event))));
    return pdu;
  }

  private static UnsignedInteger32 epoch(EventEnvelope event) {
    long e = event.fields().get("epoch") instanceof Number n ? n.longValue() : 0;
    return new UnsignedInteger32(Math.min(Math.max(e, 0), 0xFFFF_FFFFL)); // MIB: saturates
  }

  /** The fields without a varbind of their own, {@code key=value} separated by spaces. */
  static String detail(EventEnvelope event) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Object> f : event.fields().entrySet()) {
      if (!OWN_FIELDS.contains(f.getKey())) {
        b.append(b.isEmpty() ? "" : " ")
            .append(f.getKey())
            .append('=')
            .append(event.text(f.getKey()));
      }
    }
    return b.length() > DETAIL_MAX ? b.substring(0, DETAIL_MAX) : b.toString();
  }

  private static OctetString text(String s) {
    return new OctetString(s.length() > DETAIL_MAX ? s.substring(0, DETAIL_MAX) : s);
  }

  @Override
  public void close() {
    try {
      snmp.close();
    } catch (IOException e) {
      log.warn("snmp session close failed error={}", e.toString());
    }
  }
}
