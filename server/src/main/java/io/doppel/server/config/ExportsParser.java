package io.doppel.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Reads and checks the {@code [[exports]]} tables and their {@code [[exports.clients]]} rules. */
final class ExportsParser {
  private static final List<String> EXPORT_KEYS = List.of("path", "id", "directory", "clients");
  private static final List<String> CLIENT_KEYS =
      List.of("match", "access", "squash", "anonuid", "anongid");
  private static final String ID_EXPECTED = "an integer 1..2147483647";
  private static final String PATH_EXPECTED =
      "an absolute path like \"/data\" (no trailing slash, no empty, . or .. parts)";
  private static final String MATCH_EXPECTED = "\"*\", a CIDR, an IP address or a host name";
  private static final long MAX_UNSIGNED_INT = 0xFFFF_FFFFL;

  private final ClientMatchValidator matches;
  private final Path baseDir;

  ExportsParser(ClientMatchValidator matches, Path baseDir) {
    this.matches = matches;
    this.baseDir = baseDir;
  }

  /** The exports; {@code dataDir} may be null when [node] was invalid (directories then unset). */
  List<ExportConfig> parse(TableReader root, Path dataDir) {
    return parse(root, dataDir, true);
  }

  /** As {@link #parse(TableReader, Path)}; {@code required} false for the witness's file. */
  List<ExportConfig> parse(TableReader root, Path dataDir, boolean required) {
    List<ExportConfig> exports = new ArrayList<>();
    Map<Object, String> seen = new HashMap<>();
    for (Map.Entry<String, Map<String, Object>> table : root.tables("exports", required)) {
      TableReader t = new TableReader(root.errors(), table.getKey(), table.getValue(), EXPORT_KEYS);
      Optional<ExportConfig> export = export(t, dataDir);
      export.ifPresent(
          e -> {
            unique(t, "id", "export id " + e.id(), e.id(), seen);
            unique(t, "path", "export path " + TableReader.quote(e.path()), e.path(), seen);
            unique(t, "directory", "export directory " + e.directory(), e.directory(), seen);
            exports.add(e);
          });
    }
    return exports;
  }

  private Optional<ExportConfig> export(TableReader t, Path dataDir) {
    Optional<String> path = t.parsed("path", true, PATH_EXPECTED, ExportsParser::exportPath);
    Optional<Long> id = t.integer("id", 1, Integer.MAX_VALUE, ID_EXPECTED, true);
    Optional<String> directory = t.string("directory", false, "a directory path");
    directory.filter(String::isEmpty).ifPresent(d -> t.error("directory", "expected a path"));
    List<ClientRuleConfig> clients = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> c : t.tables("clients", true)) {
      clients(new TableReader(t.errors(), c.getKey(), c.getValue(), CLIENT_KEYS))
          .ifPresent(clients::add);
    }
    if (path.isEmpty() || id.isEmpty() || clients.isEmpty() || dataDir == null) {
      return Optional.empty();
    }
    Path dir =
        directory
            .filter(d -> !d.isEmpty())
            .map(d -> baseDir.resolve(d).normalize())
            .orElse(dataDir.resolve("exports").resolve(Long.toString(id.get())));
    return Optional.of(new ExportConfig(path.get(), (int) (long) id.get(), dir, clients));
  }

  private Optional<ClientRuleConfig> clients(TableReader t) {
    Optional<String> match =
        t.parsed(
            "match",
            true,
            MATCH_EXPECTED,
            text -> {
              matches.check(text);
              return text;
            });
    ClientAccess access =
        t.choice("access", words(ClientAccess.values(), ClientAccess::key), ClientAccess.READ_ONLY);
    ClientSquash squash =
        t.choice("squash", words(ClientSquash.values(), ClientSquash::key), ClientSquash.ROOT);
    long uid = t.integer("anonuid", 0, MAX_UNSIGNED_INT, ClientRuleConfig.DEFAULT_ANON_ID);
    long gid = t.integer("anongid", 0, MAX_UNSIGNED_INT, ClientRuleConfig.DEFAULT_ANON_ID);
    return match.map(m -> new ClientRuleConfig(m, access, squash, (int) uid, (int) gid));
  }

  private static <E> Map<String, E> words(E[] values, Function<E, String> key) {
    Map<String, E> out = new LinkedHashMap<>();
    for (E v : values) {
      out.put(key.apply(v), v);
    }
    return out;
  }

  private static void unique(
      TableReader t, String key, String what, Object value, Map<Object, String> seen) {
    Object tagged = List.of(key, value);
    String first = seen.putIfAbsent(tagged, t.keyPath(key));
    if (first != null) {
      t.error(key, "duplicate " + what + " (also at " + first + ")");
    }
  }

  /** Checks an export path; returns it unchanged when valid. */
  static String exportPath(String p) {
    boolean ok =
        p.startsWith("/")
            && p.length() <= 1024
            && p.indexOf('\0') < 0
            && (p.equals("/") || !p.endsWith("/"));
    if (ok && !p.equals("/")) {
      for (String part : p.substring(1).split("/", -1)) {
        ok &= !part.isEmpty() && !part.equals(".") && !part.equals("..");
      }
    }
    if (!ok) {
      throw new IllegalArgumentException();
    }
    return p;
  }
}
