package io.doppel.server.config;

import io.doppel.cluster.ClusterConfigException;
import io.doppel.cluster.ClusterDefinition;
import io.doppel.cluster.ClusterTimings;
import io.doppel.cluster.LinkId;
import io.doppel.cluster.NodeId;
import io.doppel.cluster.NodeSpec;
import io.doppel.cluster.ResourceId;
import io.doppel.cluster.ResourceSpec;
import io.doppel.cluster.TwoNodePolicy;
import io.doppel.cluster.events.EventsSettings;
import io.doppel.cluster.vip.VipCommands;
import io.doppel.cluster.vip.VipManager;
import io.doppel.cluster.vip.VirtualAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the optional {@code [cluster]} table: timings, policy, fencing hook, VIP command templates,
 * {@code [[cluster.nodes]]}, {@code [cluster.witness]} and {@code [[cluster.virtual_servers]]}. The
 * whole is then checked by {@link ClusterDefinition}, whose problems are mapped back to keys.
 */
final class ClusterParser {
  static final List<String> CLUSTER_KEYS =
      List.of(
          "state_dir",
          "heartbeat_interval_ms",
          "suspect_timeout_ms",
          "presence_retries",
          "lease_duration_ms",
          "clock_drift_ms",
          "startup_timeout_ms",
          "two_node_policy",
          "fencing_hook",
          "fencing_timeout_ms",
          "vip_add_command",
          "vip_announce_command",
          "vip_del_command",
          "vip_command_timeout_ms",
          "vip_check_command",
          "vip_check_interval_ms",
          "nodes",
          "witness",
          "virtual_servers",
          "events");
  private static final List<String> MEMBER_KEYS = List.of("name", "links");
  private static final List<String> VS_KEYS =
      List.of("name", "nodes", "address", "interface", "failback");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern IFACE = Pattern.compile("[A-Za-z0-9._@-]{1,15}");
  private static final String NAME_EXPECTED = "a name matching [a-z0-9][a-z0-9-]*";
  private static final String LINK_EXPECTED = "an address like \"10.0.0.1:7101\" or \"[::1]:7101\"";
  private static final long MAX_MS = 3_600_000;
  private static final long MIN_CHECK_MS = 100;

  private final Path baseDir;

  ClusterParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** The cluster section, or empty when absent or invalid (problems are in the root's errors). */
  Optional<ClusterConfig> parse(TableReader root, Optional<NodeConfig> node) {
    if (!root.has("cluster")) {
      return Optional.empty();
    }
    TableReader t = new TableReader(root.errors(), "cluster", root.table("cluster"), CLUSTER_KEYS);
    int before = errorCount(root);
    Optional<Path> stateDir = path(t, "state_dir");
    ClusterTimings timings = timings(t);
    TwoNodePolicy policy = policy(t);
    Optional<Path> hook = path(t, "fencing_hook");
    Duration fenceTimeout = Duration.ofMillis(t.integer("fencing_timeout_ms", 1, MAX_MS, 30_000));
    VipCommands commands = commands(t);
    Duration vipTimeout = Duration.ofMillis(t.integer("vip_command_timeout_ms", 1, MAX_MS, 5000));
    Duration vipCheckInterval = checkInterval(t);
    List<NodeSpec> nodes = new ArrayList<>();
    for (var e : t.tables("nodes", true)) {
      member(new TableReader(t.errors(), e.getKey(), e.getValue(), MEMBER_KEYS))
          .ifPresent(nodes::add);
    }
    Optional<NodeSpec> witness = Optional.empty();
    if (t.has("witness")) {
      witness =
          member(new TableReader(t.errors(), "cluster.witness", t.table("witness"), MEMBER_KEYS));
    }
    List<ResourceSpec> resources = new ArrayList<>();
    List<VirtualAddress> addresses = new ArrayList<>();
    for (var e : t.tables("virtual_servers", false)) {
      TableReader vs = new TableReader(t.errors(), e.getKey(), e.getValue(), VS_KEYS);
      virtualServer(vs, resources, addresses);
    }
    checkSelf(t, node, nodes, witness);
    if (errorCount(root) > before) {
      return Optional.empty();
    }
    Optional<ClusterDefinition> def = definition(t, nodes, witness, resources, timings, policy);
    if (def.isEmpty() || node.isEmpty()) {
      return Optional.empty();
    }
    Path dir = stateDir.orElse(node.get().dataDir().resolve("cluster"));
    EventsSettings events = new EventsParser(baseDir).parse(t, dir);
    if (errorCount(root) > before) {
      return Optional.empty();
    }
    return Optional.of(
        new ClusterConfig(
            dir,
            def.get(),
            hook,
            fenceTimeout,
            addresses,
            commands,
            vipTimeout,
            vipCheckInterval,
            events));
  }

  /**
   * True when {@code [cluster.witness] name} is {@code nodeName}: the witness's file needs no
   * exports. Reads the raw tree without reporting (the full parse reports problems).
   */
  static boolean namesWitness(TableReader root, String nodeName) {
    Object cluster = root.raw("cluster");
    return cluster instanceof Map<?, ?> c
        && c.get("witness") instanceof Map<?, ?> w
        && nodeName.equals(w.get("name"));
  }

  private static int errorCount(TableReader t) {
    return t.errors().count();
  }

  private Optional<Path> path(TableReader t, String key) {
    return t.parsed(key, false, "a path", s -> baseDir.resolve(nonEmpty(s)).normalize());
  }

  private static ClusterTimings timings(TableReader t) {
    ClusterTimings d = ClusterTimings.defaults();
    return new ClusterTimings(
        ms(t, "heartbeat_interval_ms", 1, d.heartbeatInterval()),
        ms(t, "suspect_timeout_ms", 1, d.suspectTimeout()),
        (int) t.integer("presence_retries", 1, 100, d.presenceRetries()),
        ms(t, "lease_duration_ms", 1, d.leaseDuration()),
        ms(t, "clock_drift_ms", 0, d.clockDrift()),
        ms(t, "startup_timeout_ms", 0, d.startupTimeout()));
  }

  private static TwoNodePolicy policy(TableReader t) {
    return t.choice(
        "two_node_policy",
        Map.of(
            "never_promote_on_total_loss", TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS,
            "promote_after_fencing", TwoNodePolicy.PROMOTE_AFTER_FENCING),
        TwoNodePolicy.NEVER_PROMOTE_ON_TOTAL_LOSS);
  }

  private static Duration ms(TableReader t, String key, long min, Duration defaultValue) {
    return Duration.ofMillis(t.integer(key, min, MAX_MS, defaultValue.toMillis()));
  }

  private static VipCommands commands(TableReader t) {
    VipCommands d = VipCommands.DEFAULTS;
    String expected = "a command template like \"ip addr add {address} dev {interface}\"";
    String add =
        t.parsed("vip_add_command", false, expected, ClusterParser::nonEmpty).orElse(d.add());
    String del =
        t.parsed("vip_del_command", false, expected, ClusterParser::nonEmpty).orElse(d.delete());
    String announce =
        t.string("vip_announce_command", false, "a command template, or \"\" for none")
            .orElse(d.announce());
    Optional<String> check =
        t.parsed(
            "vip_check_command",
            false,
            "a command template naming {ip} or {address} that prints a line while the address is"
                + " on the interface (like \""
                + VipCommands.IP_CHECK
                + "\"), or \"\" for none",
            ClusterParser::checkTemplate);
    return check
        .map(c -> new VipCommands(add, announce, del, c))
        .orElseGet(() -> new VipCommands(add, announce, del));
  }

  /** A check must look at the address it checks (or be "" to switch the check off). */
  private static String checkTemplate(String s) {
    if (!s.isBlank() && !s.contains("{ip}") && !s.contains("{address}")) {
      throw new IllegalArgumentException("names neither {ip} nor {address}");
    }
    return s;
  }

  /**
   * How often a held address is checked: 0 switches the check off; below 100 ms the check (a
   * process start) would cost more than it finds.
   */
  private static Duration checkInterval(TableReader t) {
    long def = VipManager.DEFAULT_PRESENCE_INTERVAL.toMillis();
    long ms = t.integer("vip_check_interval_ms", 0, MAX_MS, def);
    if (ms > 0 && ms < MIN_CHECK_MS) {
      t.error(
          "vip_check_interval_ms",
          "expected 0 (no check) or an integer " + MIN_CHECK_MS + ".." + MAX_MS + ", got " + ms);
      return Duration.ofMillis(def);
    }
    return Duration.ofMillis(ms);
  }

  private static Optional<NodeSpec> member(TableReader m) {
    Optional<String> name = m.parsed("name", true, NAME_EXPECTED, ClusterParser::name);
    Map<LinkId, InetSocketAddress> links = new LinkedHashMap<>();
    if (!m.has("links")) {
      m.error(
          "links", "required key is missing, expected a table like { client = \"10.0.0.1:7101\" }");
    }
    TableReader lt =
        new TableReader(
            m.errors(),
            m.keyPath("links"),
            m.table("links"),
            List.copyOf(m.table("links").keySet()));
    for (String link : m.table("links").keySet()) {
      lt.parsed(link, true, LINK_EXPECTED, ClusterParser::socket)
          .ifPresent(a -> links.put(new LinkId(name(link)), a));
    }
    if (name.isEmpty() || links.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NodeSpec(new NodeId(name.get()), links));
  }

  private static void virtualServer(
      TableReader vs, List<ResourceSpec> resources, List<VirtualAddress> addresses) {
    Optional<String> name = vs.parsed("name", true, NAME_EXPECTED, ClusterParser::name);
    Optional<List<String>> nodes =
        vs.strings("nodes", true, "an array of node names in priority order");
    Optional<String> address =
        vs.parsed(
            "address", true, "an address with prefix like \"10.99.0.10/24\"", ClusterParser::cidr);
    Optional<String> iface =
        vs.parsed("interface", true, "an interface name like \"eth0\"", s -> matching(IFACE, s));
    boolean failback = vs.bool("failback", false);
    if (name.isEmpty() || nodes.isEmpty() || address.isEmpty() || iface.isEmpty()) {
      return;
    }
    ResourceId id = new ResourceId(ResourceId.Kind.VIRTUAL_SERVER, name.get());
    List<NodeId> ids = new ArrayList<>();
    for (String n : nodes.get()) {
      if (!NAME.matcher(n).matches()) {
        vs.error(
            "nodes",
            "expected node names matching [a-z0-9][a-z0-9-]*, got " + TableReader.quote(n));
        return;
      }
      ids.add(new NodeId(n));
    }
    resources.add(new ResourceSpec(id, ids, failback));
    addresses.add(new VirtualAddress(id, address.get(), iface.get()));
  }

  private static void checkSelf(
      TableReader t, Optional<NodeConfig> node, List<NodeSpec> nodes, Optional<NodeSpec> witness) {
    if (node.isEmpty()) {
      return;
    }
    NodeId self = new NodeId(node.get().name());
    boolean listed =
        nodes.stream().anyMatch(n -> n.id().equals(self))
            || witness.map(w -> w.id().equals(self)).orElse(false);
    if (!listed) {
      t.error(
          "nodes",
          "node.name "
              + TableReader.quote(self.name())
              + " is not listed in cluster.nodes (or as the witness)");
    }
  }

  private static Optional<ClusterDefinition> definition(
      TableReader t,
      List<NodeSpec> nodes,
      Optional<NodeSpec> witness,
      List<ResourceSpec> resources,
      ClusterTimings timings,
      TwoNodePolicy policy) {
    try {
      return Optional.of(new ClusterDefinition(nodes, witness, resources, timings, policy));
    } catch (ClusterConfigException e) {
      for (String problem : e.problems()) {
        t.error(keyOf(problem), messageOf(problem));
      }
      return Optional.empty();
    }
  }

  /** The config key a ClusterDefinition problem ("timings.lease-duration: ...") is about. */
  static String keyOf(String problem) {
    if (problem.startsWith("resources")) {
      return "virtual_servers";
    }
    String where = problem.contains(": ") ? problem.substring(0, problem.indexOf(": ")) : "";
    if (where.equals("timings.presence-retries")) {
      return "presence_retries";
    }
    if (where.startsWith("timings.")) {
      return where.substring("timings.".length()).replace('-', '_') + "_ms";
    }
    return where.startsWith("twoNodePolicy") ? "two_node_policy" : "nodes";
  }

  /** The problem in the config file's words. */
  static String messageOf(String problem) {
    String m;
    if (problem.startsWith("resources.virtual_server:")) {
      m = "virtual server " + problem.substring("resources.virtual_server:".length());
    } else {
      m = problem.contains(": ") ? problem.substring(problem.indexOf(": ") + 2) : problem;
    }
    return m.replace("two heartbeat intervals", "2 x heartbeat_interval_ms")
        .replace("2 heartbeat intervals", "2 x heartbeat_interval_ms")
        .replace("heartbeat interval", "heartbeat_interval_ms")
        .replace("clock-drift", "clock_drift_ms");
  }

  private static String name(String s) {
    return matching(NAME, s);
  }

  private static String matching(Pattern p, String s) {
    if (!p.matcher(s).matches()) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  private static String nonEmpty(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException();
    }
    return s;
  }

  static InetSocketAddress socket(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException();
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535");
    }
    return new InetSocketAddress(ConfigLoader.ipLiteral(host), port);
  }

  static String cidr(String s) {
    int slash = s.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("the prefix length is required");
    }
    boolean v6 = ConfigLoader.ipLiteral(s.substring(0, slash)) instanceof java.net.Inet6Address;
    int prefix;
    try {
      prefix = Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length", e);
    }
    if (prefix < 0 || prefix > (v6 ? 128 : 32)) {
      throw new IllegalArgumentException("prefix length out of range");
    }
    return s;
  }
}
