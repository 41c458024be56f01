package io.doppel.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doppel.cluster.ClusterTimings;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.TwoNodePolicy;
import io.doppel.cluster.vip.VipCommands;
import io.doppel.cluster.vip.VirtualAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {
  static final String NODE =
      "[node]\nname = \"a\"\ndata_dir = \"data\"\n"
          + "[[exports]]\npath = \"/data\"\nid = 1\n[[exports.clients]]\nmatch = \"*\"\n";
  static final String MEMBERS =
      """
      [[cluster.nodes]]
      name = "a"
      links = { client = "127.0.0.1:7101", replication = "127.0.0.2:7101" }
      [[cluster.nodes]]
      name = "b"
      links = { client = "127.0.0.1:7102", replication = "127.0.0.2:7102" }
      """;
  static final String VS =
      """
      [[cluster.virtual_servers]]
      name = "vs1"
      nodes = ["a", "b"]
      address = "10.99.0.10/24"
      interface = "eth0"
      failback = true
      """;

  @TempDir Path dir;

  private DoppelConfig load(String text) throws ConfigException {
    Path file = dir.resolve("doppel.toml");
    try {
      Files.writeString(file, text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return new ConfigLoader(ConfigLoaderTest.MATCHES).load(file);
  }

  private List<String> errors(String text) {
    try {
      load(text);
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void absentClusterIsAGroupOfOne() throws Exception {
    assertThat(load(NODE).cluster()).isEmpty();
  }

  @Test
  void everyKeyIsRead() throws Exception {
    String text =
        NODE
            + """
            [cluster]
            state_dir = "state"
            heartbeat_interval_ms = 100
            suspect_timeout_ms = 600
            presence_retries = 5
            lease_duration_ms = 1200
            clock_drift_ms = 50
            startup_timeout_ms = 3000
            two_node_policy = "promote_after_fencing"
            fencing_hook = "/usr/local/bin/fence"
            fencing_timeout_ms = 9000
            vip_add_command = "touch /tmp/{ip}"
            vip_announce_command = ""
            vip_del_command = "rm -f /tmp/{ip}"
            vip_command_timeout_ms = 700
            vip_check_command = "test -e /tmp/{ip}"
            vip_check_interval_ms = 2500
            [cluster.witness]
            name = "w"
            links = { client = "127.0.0.1:7109" }
            """
            + MEMBERS
            + VS;
    ClusterConfig c = load(text).cluster().orElseThrow();
    assertThat(c.stateDir()).isEqualTo(dir.resolve("state"));
    assertThat(c.definition().timings())
        .isEqualTo(
            new ClusterTimings(
                Duration.ofMillis(100),
                Duration.ofMillis(600),
                5,
                Duration.ofMillis(1200),
                Duration.ofMillis(50),
                Duration.ofMillis(3000)));
    assertThat(c.definition().twoNodePolicy()).isEqualTo(TwoNodePolicy.PROMOTE_AFTER_FENCING);
    assertThat(c.fencingHook()).contains(Path.of("/usr/local/bin/fence"));
    assertThat(c.fencingTimeout()).isEqualTo(Duration.ofMillis(9000));
    assertThat(c.vipCommands())
        .isEqualTo(new VipCommands("touch /tmp/{ip}", "", "rm -f /tmp/{ip}", "test -e /tmp/{ip}"));
    assertThat(c.vipCommandTimeout()).isEqualTo(Duration.ofMillis(700));
    assertThat(c.vipCheckInterval()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.definition().witness().orElseThrow().id()).isEqualTo(new NodeId("w"));
    assertThat(c.definition().member(new NodeId("b")).links())
        .containsEntry(new LinkId("client"), new InetSocketAddress("127.0.0.1", 7102))
        .containsEntry(new LinkId("replication"), new InetSocketAddress("127.0.0.2", 7102));
    ResourceId vs1 = new ResourceId(ResourceId.Kind.VIRTUAL_SERVER, "vs1");
    assertThat(c.definition().resource(vs1).nodes())
        .containsExactly(new NodeId("a"), new NodeId("b"));
    assertThat(c.definition().resource(vs1).failback()).isTrue();
    assertThat(c.addresses()).containsExactly(new VirtualAddress(vs1, "10.99.0.10/24", "eth0"));
  }

  @Test
  void defaults() throws Exception {
    ClusterConfig c = load(NODE + "[cluster]\n" + MEMBERS).cluster().orElseThrow();
    assertThat(c.stateDir()).isEqualTo(dir.resolve("data").resolve("cluster"));
    assertThat(c.definition().timings()).isEqualTo(ClusterTimings.defaults());
    assertThat(c.definition().twoNodePolicy()).isEqualTo(TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
    assertThat(c.fencingHook()).isEmpty();
    assertThat(c.vipCommands()).isEqualTo(VipCommands.DEFAULTS);
    assertThat(c.vipCommands().check()).isEqualTo(VipCommands.IP_CHECK);
    assertThat(c.vipCheckInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.addresses()).isEmpty();
    assertThat(c.definition().witness()).isEmpty();
  }

  @Test
  void eventsSection() throws Exception {
    ClusterConfig d = load(NODE + "[cluster]\n" + MEMBERS).cluster().orElseThrow();
    assertThat(d.events().socket()).contains(d.stateDir().resolve("events.sock"));
    assertThat(d.events().hooks()).isEmpty();
    String text =
        NODE
            + "[cluster]\n"
            + "[cluster.events]\n"
            + "socket = \"ev.sock\"\n"
            + "hooks = [\"hook.sh\"]\n"
            + "hook_timeout_ms = 700\n"
            + "snmp_managers = [\"127.0.0.1:1162\"]\n"
            + "snmp_community = \"doppel\"\n"
            + MEMBERS;
    ClusterConfig c = load(text).cluster().orElseThrow();
    assertThat(c.events().socket()).contains(dir.resolve("ev.sock"));
    assertThat(c.events().hooks())
        .extracting(h -> h.executable())
        .containsExactly(dir.resolve("hook.sh"));
    assertThat(c.events().hookTimeout()).hasMillis(700);
    assertThat(c.events().trapManagers())
        .extracting(m -> m.host() + ":" + m.port() + "/" + m.community())
        .containsExactly("127.0.0.1:1162/doppel");
    String bad =
        NODE
            + "[cluster]\n"
            + "[cluster.events]\n"
            + "snmp_managers = [\"127.0.0.1:notaport\"]\n"
            + "colour = 1\n"
            + MEMBERS;
    assertThat(errors(bad))
        .anyMatch(e -> e.contains("cluster.events.snmp_managers: expected \"host:port\""))
        .anyMatch(e -> e.contains("cluster.events.colour"));
  }

  @Test
  void vipCheckCanBeSwitchedOffOrRetimed() throws Exception {
    ClusterConfig off =
        load(NODE + "[cluster]\nvip_check_command = \"\"\nvip_check_interval_ms = 0\n" + MEMBERS)
            .cluster()
            .orElseThrow();
    assertThat(off.vipCommands().check()).isEmpty();
    assertThat(off.vipCheckInterval()).isZero();
    // A custom add without a custom check has nothing to check with (VipCommands' rule).
    ClusterConfig custom =
        load(NODE + "[cluster]\nvip_add_command = \"touch /m/{ip}\"\n" + MEMBERS)
            .cluster()
            .orElseThrow();
    assertThat(custom.vipCommands().check()).isEmpty();
  }

  @Test
  void badVipCheckKeysNameFileKeyAndExpectation() {
    String text =
        NODE
            + """
            [cluster]
            vip_check_command = "ip -o addr show dev eth0"
            vip_check_interval_ms = 50
            """
            + MEMBERS;
    List<String> errors = errors(text);
    assertThat(errors)
        .anyMatch(
            e ->
                e.contains("doppel.toml")
                    && e.contains("cluster.vip_check_command: expected a command template naming")
                    && e.contains("got \"ip -o addr show dev eth0\"")
                    && e.contains("names neither {ip} nor {address}"))
        .anyMatch(
            e ->
                e.contains("doppel.toml")
                    && e.contains(
                        "cluster.vip_check_interval_ms: expected 0 (no check) or an integer"
                            + " 100..3600000, got 50"));
    assertThat(errors(NODE + "[cluster]\nvip_check_interval_ms = -1\n" + MEMBERS))
        .anyMatch(e -> e.contains("cluster.vip_check_interval_ms: expected an integer 0..3600000"));
    assertThat(errors(NODE + "[cluster]\nvip_check_command = 7\n" + MEMBERS))
        .anyMatch(e -> e.contains("cluster.vip_check_command: expected a command template"));
  }

  @Test
  void nodeMustBeAMember() {
    String text = NODE.replace("\"a\"", "\"z\"") + "[cluster]\n" + MEMBERS;
    assertThat(errors(text))
        .anyMatch(e -> e.contains("cluster.nodes: node.name \"z\" is not listed in cluster.nodes"));
  }

  @Test
  void badValuesAreReportedTogetherWithTheirKeys() {
    String text =
        NODE
            + """
            [cluster]
            heartbeat_interval_ms = 0
            presence_retries = 101
            two_node_policy = "yolo"
            lease_duration_ms = "long"
            colour = "red"
            [[cluster.nodes]]
            name = "a"
            links = { client = "127.0.0.1" }
            [[cluster.nodes]]
            name = "B!"
            links = { client = "nohost:1" }
            [[cluster.virtual_servers]]
            name = "vs1"
            nodes = "a"
            address = "10.99.0.10"
            interface = "this-name-is-far-too-long"
            failback = "yes"
            """;
    assertThat(errors(text))
        .anyMatch(e -> e.contains("cluster.heartbeat_interval_ms: expected an integer 1..3600000"))
        .anyMatch(e -> e.contains("cluster.presence_retries: expected an integer 1..100"))
        .anyMatch(e -> e.contains("cluster.two_node_policy: expected one of"))
        .anyMatch(e -> e.contains("cluster.lease_duration_ms: expected an integer"))
        .anyMatch(e -> e.contains("cluster.colour: unknown key"))
        .anyMatch(e -> e.contains("cluster.nodes[0].links.client: expected an address like"))
        .anyMatch(e -> e.contains("cluster.nodes[1].name: expected a name matching"))
        .anyMatch(e -> e.contains("cluster.nodes[1].links.client: expected an address like"))
        .anyMatch(e -> e.contains("cluster.virtual_servers[0].nodes: expected an array"))
        .anyMatch(
            e -> e.contains("cluster.virtual_servers[0].address: expected an address with prefix"))
        .anyMatch(
            e -> e.contains("cluster.virtual_servers[0].interface: expected an interface name"))
        .anyMatch(e -> e.contains("cluster.virtual_servers[0].failback: expected true or false"));
  }

  @Test
  void missingKeys() {
    String text =
        NODE
            + """
            [cluster]
            [[cluster.nodes]]
            name = "a"
            [cluster.witness]
            links = { client = "127.0.0.1:1" }
            [[cluster.virtual_servers]]
            name = "vs1"
            """;
    assertThat(errors(text))
        .anyMatch(e -> e.contains("cluster.nodes[0].links: required key is missing"))
        .anyMatch(e -> e.contains("cluster.witness.name: required key is missing"))
        .anyMatch(e -> e.contains("cluster.virtual_servers[0].nodes: required key is missing"))
        .anyMatch(e -> e.contains("cluster.virtual_servers[0].address: required key is missing"))
        .anyMatch(e -> e.contains("cluster.virtual_servers[0].interface: required key is missing"));
    assertThat(errors(NODE + "[cluster]\n"))
        .anyMatch(e -> e.contains("cluster.nodes: required key is missing"));
  }

  @Test
  void definitionProblemsAreMappedToKeys() {
    String text =
        NODE
            + """
            [cluster]
            heartbeat_interval_ms = 500
            suspect_timeout_ms = 600
            lease_duration_ms = 700
            [[cluster.nodes]]
            name = "a"
            links = { client = "127.0.0.1:7101" }
            [[cluster.nodes]]
            name = "b"
            links = { replication = "127.0.0.2:7102" }
            [[cluster.nodes]]
            name = "a"
            links = { client = "127.0.0.1:7103" }
            [[cluster.virtual_servers]]
            name = "vs1"
            nodes = ["a", "ghost", "a"]
            address = "fd00::10/64"
            interface = "eth0"
            """;
    assertThat(errors(text))
        .anyMatch(
            e ->
                e.contains(
                    "cluster.suspect_timeout_ms: must be at least 2 x heartbeat_interval_ms"))
        .anyMatch(
            e -> e.contains("cluster.lease_duration_ms: must be >= 2 x heartbeat_interval_ms"))
        .anyMatch(e -> e.contains("cluster.nodes: duplicate member id 'a'"))
        .anyMatch(e -> e.contains("cluster.nodes: members 'a' and 'b' share no link"))
        .anyMatch(
            e ->
                e.contains(
                    "cluster.virtual_servers: virtual server vs1.nodes: unknown node 'ghost'"))
        .anyMatch(
            e ->
                e.contains(
                    "cluster.virtual_servers: virtual server vs1.nodes: a node is listed twice"));
  }

  @Test
  void optionalWitnessAndIpv6() throws Exception {
    String text =
        "[node]\nname = \"w\"\ndata_dir = \"data\"\n"
            + "[cluster]\n[cluster.witness]\nname = \"w\"\nlinks = { client = \"[::1]:7109\" }\n"
            + MEMBERS;
    ClusterConfig c = load(text).cluster().orElseThrow();
    assertThat(c.definition().isWitness(new NodeId("w"))).isTrue();
    assertThat(c.definition().member(new NodeId("w")).links().get(new LinkId("client")))
        .isEqualTo(new InetSocketAddress("::1", 7109));
    assertThat(Optional.of(c.definition().members().size())).contains(3);
  }

  @Test
  void socketAndCidrParsers() {
    assertThat(ClusterParser.socket("10.0.0.1:1")).isEqualTo(new InetSocketAddress("10.0.0.1", 1));
    assertThatThrownBy(() -> ClusterParser.socket("10.0.0.1:0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterParser.cidr("10.0.0.1/33"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClusterParser.cidr("fd00::1/128")).isEqualTo("fd00::1/128");
  }
}
