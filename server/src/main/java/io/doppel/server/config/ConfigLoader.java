package io.doppel.server.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Loads a node's configuration from a TOML ({@code .toml}) or YAML ({@code .yaml}, {@code .yml})
 * file and validates it as a whole (STYLE.md "Config"): every problem is collected and reported
 * together, each naming the file, the key and what was expected. Unknown keys are errors. Relative
 * paths in the file are resolved against the file's directory.
 */
public final class ConfigLoader {
  private static final List<String> TOP_KEYS =
      List.of(
          "node",
          "nfs",
          "admin",
          "security",
          "exports",
          "nbd",
          "volumes",
          "cluster",
          "replication");
  private static final List<String> NODE_KEYS = List.of("name", "data_dir");
  private static final List<String> NFS_KEYS =
      List.of("bind", "port", "udp", "portmap", "workers", "max_record_bytes");
  private static final List<String> ADMIN_KEYS = List.of("bind", "port");
  private static final List<String> SECURITY_KEYS = List.of("handle_key_file");
  private static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
  static final String IP_EXPECTED = "an IP address like \"0.0.0.0\", \"127.0.0.1\" or \"::\"";

  private final ClientMatchValidator matches;

  /**
   * @param matches checks each client rule's {@code match} (production: the nfs module's
   *     ClientMatch parser)
   */
  public ConfigLoader(ClientMatchValidator matches) {
    this.matches = matches;
  }

  /** Reads and validates {@code file}. */
  public DoppelConfig load(Path file) throws ConfigException {
    String label = file.toString();
    Optional<ConfigTree.Format> format = ConfigTree.formatOf(file);
    if (format.isEmpty()) {
      throw new ConfigException(
          label + ": unknown config format, expected a .toml, .yaml or .yml file");
    }
    String text;
    try {
      text = ConfigTree.readText(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(label + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(label + ": cannot read: " + e.getMessage());
    }
    Path baseDir = file.toAbsolutePath().normalize().getParent();
    return parse(label, baseDir, text, format.get());
  }

  /** Validates already-read text; {@code label} names the file in messages. */
  DoppelConfig parse(String label, Path baseDir, String text, ConfigTree.Format format)
      throws ConfigException {
    ConfigErrors errors = new ConfigErrors(label);
    Optional<Map<String, Object>> tree = ConfigTree.read(text, format, errors);
    errors.throwIfAny();
    TableReader root = new TableReader(errors, "", tree.orElseThrow(), TOP_KEYS);
    Optional<NodeConfig> node = node(root, baseDir);
    NfsConfig nfs = nfs(root);
    AdminConfig admin = admin(root);
    Path dataDir = node.map(NodeConfig::dataDir).orElse(null);
    SecurityConfig security = security(root, baseDir, dataDir);
    boolean witness = node.map(n -> ClusterParser.namesWitness(root, n.name())).orElse(false);
    List<ExportConfig> exports = new ExportsParser(matches, baseDir).parse(root, dataDir, !witness);
    BlockParser block = new BlockParser(baseDir);
    List<VolumeConfig> volumes = block.volumes(root, dataDir);
    NbdConfig nbd = block.nbd(root, !volumes.isEmpty());
    Optional<ClusterConfig> cluster = new ClusterParser(baseDir).parse(root, node);
    errors.throwIfAny();
    return new DoppelConfig(
        Path.of(label), node.orElseThrow(), nfs, admin, security, exports, nbd, volumes, cluster);
  }

  private static Optional<NodeConfig> node(TableReader root, Path baseDir) {
    if (!root.has("node")) {
      root.error("node", "required table is missing, expected [node] with name and data_dir");
      return Optional.empty();
    }
    TableReader t = new TableReader(root.errors(), "node", root.table("node"), NODE_KEYS);
    String nameExpected = "a name matching [a-z0-9][a-z0-9-]* (at most 63 characters)";
    Optional<String> name =
        t.parsed("name", true, nameExpected, s -> check(NODE_NAME.matcher(s).matches(), s));
    Optional<Path> dataDir =
        t.parsed(
            "data_dir",
            true,
            "a directory path",
            s -> baseDir.resolve(check(!s.isEmpty(), s)).normalize());
    if (name.isEmpty() || dataDir.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NodeConfig(name.get(), dataDir.get()));
  }

  private static NfsConfig nfs(TableReader root) {
    TableReader t = new TableReader(root.errors(), "nfs", root.table("nfs"), NFS_KEYS);
    InetAddress bind = address(t, "0.0.0.0");
    int port = (int) t.integer("port", 0, 65535, NfsConfig.DEFAULT_PORT);
    boolean udp = t.bool("udp", true);
    Map<String, PortmapSetting> modes = new LinkedHashMap<>();
    for (PortmapSetting m : PortmapSetting.values()) {
      modes.put(m.name().toLowerCase(java.util.Locale.ROOT), m);
    }
    PortmapSetting portmap = t.choice("portmap", modes, PortmapSetting.AUTO);
    int workers = (int) t.integer("workers", 1, 1024, NfsConfig.DEFAULT_WORKERS);
    int maxRecord =
        (int)
            t.integer(
                "max_record_bytes", 65536, 256L * 1024 * 1024, NfsConfig.DEFAULT_MAX_RECORD_BYTES);
    return new NfsConfig(bind, port, udp, portmap, workers, maxRecord);
  }

  private static AdminConfig admin(TableReader root) {
    TableReader t = new TableReader(root.errors(), "admin", root.table("admin"), ADMIN_KEYS);
    InetAddress bind = address(t, "127.0.0.1");
    long port =
        t.integer("port", -1, 65535, "an integer -1..65535 (0 = ephemeral, -1 = disabled)", false)
            .orElse((long) AdminConfig.DEFAULT_PORT);
    return new AdminConfig(bind, (int) port);
  }

  private static SecurityConfig security(TableReader root, Path baseDir, Path dataDir) {
    TableReader t =
        new TableReader(root.errors(), "security", root.table("security"), SECURITY_KEYS);
    Optional<Path> keyFile =
        t.parsed(
            "handle_key_file",
            false,
            "a file path",
            s -> baseDir.resolve(check(!s.isEmpty(), s)).normalize());
    Path fallback = dataDir == null ? null : dataDir.resolve("handle.key");
    return new SecurityConfig(keyFile.orElse(fallback));
  }

  private static InetAddress address(TableReader t, String defaultValue) {
    return t.parsed("bind", false, IP_EXPECTED, ConfigLoader::ipLiteral)
        .orElseGet(() -> ipLiteral(defaultValue));
  }

  /** Only literals: a bind address that needs DNS would make start-up depend on the resolver. */
  static InetAddress ipLiteral(String text) {
    boolean v4 = IPV4.matcher(text).matches();
    if (v4) {
      for (String octet : text.split("\\.")) {
        check(Integer.parseInt(octet) <= 255, text);
      }
    }
    check(v4 || IPV6.matcher(text).matches(), text);
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException();
    }
  }

  private static String check(boolean ok, String text) {
    if (!ok) {
      throw new IllegalArgumentException();
    }
    return text;
  }
}
