package io.doppel.cluster.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doppel.cluster.ClusterEvent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void everyClusterEventTypeIsCovered() {
    Set<Class<?>> covered =
        TestEvents.all().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(covered)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.asList(ClusterEvent.class.getPermittedSubclasses()));
  }

  @Test
  void everyClusterEventEncodesAsOneLineOfValidJson() throws Exception {
    long seq = 1;
    for (ClusterEvent e : TestEvents.all()) {
      String json = TestEvents.envelope(e, seq).toJson();
      assertThat(json).doesNotContain("\n");
      JsonNode n = mapper.readTree(json);
      assertThat(n.get("type").asText()).isEqualTo(e.type());
      assertThat(n.get("time").asText()).isEqualTo("2026-11-22T01:02:03.456Z");
      assertThat(n.get("node").asText()).as("reporter, not the bus node").isEqualTo("a");
      assertThat(n.get("seq").asLong()).isEqualTo(seq++);
      List<String> keys = iterate(n);
      assertThat(keys.subList(0, 4)).containsExactly("type", "time", "node", "seq");
    }
  }

  @Test
  void fieldsOfEachTypeAreThere() throws Exception {
    Map<String, JsonNode> byType = new LinkedHashMap<>();
    for (ClusterEvent e : TestEvents.all()) {
      byType.put(e.type(), mapper.readTree(TestEvents.envelope(e, 1).toJson()));
    }
    assertThat(byType.keySet())
        .containsExactly(
            "NODE_UP",
            "NODE_DOWN",
            "LINK_FAULT",
            "LINK_RESTORED",
            "PARTNER_SHUTDOWN",
            "MACHINE_FAILED",
            "FAILOVER_NOT_CONFIGURED",
            "ROLE_CHANGED",
            "LEASE_LOST",
            "QUORUM_LOST",
            "QUORUM_REGAINED",
            "FENCING_FAILED",
            "VIP_FAILED");
    assertThat(byType.get("NODE_UP").get("peer").asText()).isEqualTo("b");
    assertThat(byType.get("LINK_FAULT").get("link").asText()).isEqualTo("repl");
    JsonNode mf = byType.get("MACHINE_FAILED");
    assertThat(mf.get("peer").asText()).isEqualTo("b");
    assertThat(strings(mf.get("taken_over"))).containsExactly("export:home", "volume:db");
    assertThat(strings(mf.get("exports"))).containsExactly("home");
    assertThat(strings(mf.get("volumes"))).containsExactly("db");
    assertThat(mf.get("virtual_servers").size()).isZero();
    JsonNode fnc = byType.get("FAILOVER_NOT_CONFIGURED");
    assertThat(fnc.get("resource").asText()).isEqualTo("export:home");
    assertThat(fnc.get("primary").asText()).isEqualTo("b");
    JsonNode rc = byType.get("ROLE_CHANGED");
    assertThat(rc.get("from").asText()).isEqualTo("CANDIDATE");
    assertThat(rc.get("to").asText()).isEqualTo("PRIMARY");
    assertThat(rc.get("epoch").isIntegralNumber()).isTrue();
    assertThat(rc.get("epoch").asLong()).isEqualTo(7);
    assertThat(byType.get("LEASE_LOST").get("epoch").asLong()).isEqualTo(7);
    assertThat(byType.get("QUORUM_LOST").get("resource").asText()).isEqualTo("volume:db");
    assertThat(byType.get("FENCING_FAILED").get("peer").asText()).isEqualTo("b");
    JsonNode vf = byType.get("VIP_FAILED");
    assertThat(vf.get("resource").asText()).isEqualTo("virtual_server:vs1");
    assertThat(vf.get("address").asText()).isEqualTo("10.99.0.10/24");
    assertThat(vf.get("operation").asText()).isEqualTo("add");
    assertThat(vf.get("exit_code").asInt()).isEqualTo(2);
    assertThat(vf.get("timed_out").asBoolean()).isFalse();
    assertThat(vf.get("failures").asInt()).isEqualTo(3);
    assertThat(vf.get("action").asText()).isEqualTo("release_role");
  }

  @Test
  void vipFailedHasItsOwnNotificationInTheShippedMib() throws Exception {
    assertThat(DoppelMib.notification("VIP_FAILED").toDottedString())
        .isEqualTo("1.3.6.1.4.1.32473.7.0.13");
    String mib;
    try (var in = DoppelMib.class.getResourceAsStream("/DOPPEL-MIB.txt")) {
      mib = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(mib).contains("doppelVipFailed").contains("::= { doppelNotifications 13 }");
    assertThat(LogEventSink.line(TestEvents.envelope(TestEvents.all().get(12), 4)))
        .contains("type=VIP_FAILED")
        .contains("operation=add exit_code=2 timed_out=false failures=3 action=release_role");
  }

  @Test
  void moduleEventsAreEscapedAndReservedNamesRenamed() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("detail", "quote\" back\\slash\nnewline\ttab \u0001 ünïcode");
    f.put("type", "shadow");
    f.put("done", true);
    f.put("bytes", 12_345_678_901L);
    EventEnvelope e = TestEvents.envelope(new TestEvents.Custom("RESYNC_DONE", f), 9);
    String json = e.toJson();
    assertThat(json).doesNotContain("\n");
    JsonNode n = mapper.readTree(json);
    assertThat(n.get("type").asText()).isEqualTo("RESYNC_DONE");
    assertThat(n.get("node").asText()).as("no reporter: the bus node").isEqualTo("self");
    assertThat(n.get("detail").asText()).isEqualTo(f.get("detail"));
    assertThat(n.get("event_type").asText()).isEqualTo("shadow");
    assertThat(n.get("done").asBoolean()).isTrue();
    assertThat(n.get("bytes").asLong()).isEqualTo(12_345_678_901L);
    assertThat(EventJson.parse(json)).containsEntry("event_type", "shadow").containsEntry("seq", 9);
  }

  @Test
  void parseRejectsGarbage() {
    assertThatThrownBy(() -> EventJson.parse("{not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void logLineIsKeyValue() {
    EventEnvelope e = TestEvents.envelope(TestEvents.all().get(5), 3); // MACHINE_FAILED
    assertThat(LogEventSink.line(e))
        .isEqualTo(
            "event type=MACHINE_FAILED seq=3 node=a time=2026-11-22T01:02:03.456Z peer=b"
                + " taken_over=export:home,volume:db exports=home volumes=db virtual_servers=\"\"");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  private static List<String> iterate(JsonNode n) {
    List<String> keys = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
