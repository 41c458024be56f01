package io.doppel.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads and checks the block face's {@code [nbd]} table and its {@code [[volumes]]}. */
final class BlockParser {
  private static final List<String> NBD_KEYS =
      List.of("bind", "port", "max_request_bytes", "workers");
  private static final List<String> VOLUME_KEYS =
      List.of("name", "size", "path", "read_only", "cache_bytes", "nodes", "role");
  private static final List<String> REPLICATION_KEYS =
      List.of("bind", "peers", "region_bytes", "ack_timeout_ms");
  private static final String SOCKET_EXPECTED = "an address \"IP:PORT\" (port 1..65535)";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final String NAME_EXPECTED = "a volume name matching [A-Za-z0-9._-]{1,64}";
  private static final long MAX_REQUEST_MIN = 4096;
  private static final long MAX_REQUEST_MAX = 256L << 20;
  private static final long SECTOR = 512;

  private final Path baseDir;

  BlockParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** The {@code [nbd]} table (defaults when absent); enabled when present or volumes exist. */
  NbdConfig nbd(TableReader root, boolean haveVolumes) {
    boolean present = root.has("nbd");
    TableReader t = new TableReader(root.errors(), "nbd", root.table("nbd"), NBD_KEYS);
    InetAddress bind =
        t.parsed("bind", false, ConfigLoader.IP_EXPECTED, ConfigLoader::ipLiteral)
            .orElseGet(() -> ConfigLoader.ipLiteral("0.0.0.0"));
    int port = (int) t.integer("port", 0, 65535, NbdConfig.DEFAULT_PORT);
    long maxRequest = NbdConfig.DEFAULT_MAX_REQUEST_BYTES;
    Optional<Long> max = ByteSize.read(t, "max_request_bytes", false);
    if (max.isPresent() && (max.get() < MAX_REQUEST_MIN || max.get() > MAX_REQUEST_MAX)) {
      t.error(
          "max_request_bytes",
          "expected a size "
              + MAX_REQUEST_MIN
              + ".."
              + MAX_REQUEST_MAX
              + " (4K..256M), got "
              + max.get());
    } else if (max.isPresent()) {
      maxRequest = max.get();
    }
    int workers = (int) t.integer("workers", 1, 1024, NbdConfig.DEFAULT_WORKERS);
    return new NbdConfig(
        present || haveVolumes, bind, port, (int) maxRequest, workers, replication(root));
  }

  /** The {@code [replication]} table, or null when absent. */
  private static ReplicationConfig replication(TableReader root) {
    if (!root.has("replication")) {
      return null;
    }
    TableReader t =
        new TableReader(root.errors(), "replication", root.table("replication"), REPLICATION_KEYS);
    InetSocketAddress bind =
        t.parsed("bind", false, SOCKET_EXPECTED, ClusterParser::socket).orElse(null);
    Map<String, Object> peerTable = t.table("peers");
    TableReader pt =
        new TableReader(
            root.errors(), "replication.peers", peerTable, List.copyOf(peerTable.keySet()));
    Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
    for (String node : peerTable.keySet()) {
      pt.parsed(node, true, SOCKET_EXPECTED, ClusterParser::socket)
          .ifPresent(a -> peers.put(node, a));
    }
    long region = ReplicationConfig.DEFAULT_REGION_BYTES;
    Optional<Long> r = ByteSize.read(t, "region_bytes", false);
    if (r.isPresent() && (r.get() < 4096 || r.get() > (1L << 30) || Long.bitCount(r.get()) != 1)) {
      t.error("region_bytes", "expected a power of two 4K..1G, got " + r.get());
    } else if (r.isPresent()) {
      region = r.get();
    }
    long ack = t.integer("ack_timeout_ms", 10, 3_600_000, ReplicationConfig.DEFAULT_ACK_TIMEOUT_MS);
    return new ReplicationConfig(bind, peers, (int) region, ack);
  }

  /** The volumes; {@code dataDir} may be null when [node] was invalid (then none are returned). */
  List<VolumeConfig> volumes(TableReader root, Path dataDir) {
    List<VolumeConfig> volumes = new ArrayList<>();
    Map<Object, String> seen = new HashMap<>();
    for (Map.Entry<String, Map<String, Object>> table : root.tables("volumes", false)) {
      TableReader t = new TableReader(root.errors(), table.getKey(), table.getValue(), VOLUME_KEYS);
      volume(t, dataDir)
          .ifPresent(
              v -> {
                if (unique(
                    t, "name", "volume name " + TableReader.quote(v.name()), v.name(), seen)) {
                  unique(t, "path", "volume path " + v.path(), v.path(), seen);
                }
                volumes.add(v);
              });
    }
    return volumes;
  }

  private Optional<VolumeConfig> volume(TableReader t, Path dataDir) {
    Optional<String> name =
        t.parsed(
            "name",
            true,
            NAME_EXPECTED,
            s -> {
              if (!NAME.matcher(s).matches()) {
                throw new IllegalArgumentException();
              }
              return s;
            });
    Optional<Path> explicitPath =
        t.parsed(
            "path",
            false,
            "a file or block device path",
            s -> {
              if (s.isEmpty() || s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException();
              }
              return baseDir.resolve(s).normalize();
            });
    boolean pathBad = t.has("path") && explicitPath.isEmpty();
    Optional<Long> size = ByteSize.read(t, "size", false).filter(n -> sizeOk(t, n));
    boolean sizeBad = t.has("size") && size.isEmpty();
    boolean readOnly = t.bool("read_only", false);
    List<String> nodes = t.strings("nodes", false, "a list of node names").orElse(List.of());
    String role = role(t, nodes);
    long cache =
        ByteSize.read(t, "cache_bytes", false)
            .filter(n -> cacheOk(t, n))
            .orElse(VolumeConfig.DEFAULT_CACHE_BYTES);
    if (name.isEmpty() || dataDir == null || pathBad || sizeBad) {
      return Optional.empty();
    }
    Path path =
        explicitPath.orElse(dataDir.resolve("volumes").resolve(name.get() + ".img")).normalize();
    if (size.isEmpty() && !Files.exists(path)) {
      t.error(
          "size",
          "required key is missing, expected "
              + ByteSize.EXPECTED
              + " (needed because "
              + path
              + " does not exist yet)");
      return Optional.empty();
    }
    long bytes = size.orElse(0L);
    if (bytes > 0 && Files.isRegularFile(path)) {
      long actual = fileSize(path);
      if (actual > 0 && actual != bytes) {
        t.error("size", bytes + " bytes does not match the existing " + path + " (" + actual + ")");
        return Optional.empty();
      }
    }
    return Optional.of(new VolumeConfig(name.get(), bytes, path, readOnly, cache, nodes, role));
  }

  /** The static role override ({@code role = "primary"|"backup"}), null when absent. */
  private static String role(TableReader t, List<String> nodes) {
    if (nodes.size() > io.doppel.replication.history.NodeEpochs.MAX_NODES
        || nodes.stream().distinct().count() != nodes.size()) {
      t.error(
          "nodes",
          "expected at most "
              + io.doppel.replication.history.NodeEpochs.MAX_NODES
              + " distinct node names, got "
              + nodes);
    }
    String role =
        t.choice("role", Map.of("primary", "primary", "backup", "backup", "auto", ""), "");
    if (!role.isEmpty() && nodes.size() < 2) {
      t.error("role", "a role needs nodes = [\"primary-node\", \"backup-node\", ...]");
    }
    return role.isEmpty() ? null : role;
  }

  private static boolean sizeOk(TableReader t, long n) {
    if (n <= 0 || n % SECTOR != 0) {
      t.error("size", "expected a positive multiple of 512 bytes, got " + n);
      return false;
    }
    return true;
  }

  private static boolean cacheOk(TableReader t, long n) {
    if (n != 0 && n < VolumeConfig.MIN_CACHE_BYTES) {
      t.error(
          "cache_bytes",
          "expected 0 (no cache) or at least "
              + VolumeConfig.MIN_CACHE_BYTES
              + " bytes (one cache page), got "
              + n);
      return false;
    }
    return true;
  }

  private static long fileSize(Path path) {
    try {
      return Files.size(path);
    } catch (java.io.IOException e) {
      return 0; // unreadable: the volume itself reports it at start-up
    }
  }

  /** Reports a value seen before in another table; returns whether it was new. */
  private static boolean unique(
      TableReader t, String key, String what, Object value, Map<Object, String> seen) {
    Object tagged = List.of(key, value);
    String first = seen.putIfAbsent(tagged, t.keyPath(key));
    if (first != null) {
      t.error(key, "duplicate " + what + " (also at " + first + ")");
    }
    return first == null;
  }
}
