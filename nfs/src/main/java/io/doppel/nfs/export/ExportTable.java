package io.doppel.nfs.export;

import io.doppel.fs.Caller;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.NfsExport;
import io.doppel.rpc.Credential;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exports this server serves, by id (from file handles) and by path (from MOUNT), with the
 * access rules every call is checked against: the first {@link ClientRule} matching the client's
 * address wins; no match means no access. Immutable.
 */
public final class ExportTable {
  private final Map<Integer, NfsExport> byId = new HashMap<>();
  private final Map<String, NfsExport> byPath = new HashMap<>();
  private final List<NfsExport> exports;

  public ExportTable(List<NfsExport> exports) {
    this.exports = List.copyOf(exports);
    for (NfsExport e : this.exports) {
      String path =
          normalise(e.path())
              .orElseThrow(() -> new IllegalArgumentException("invalid export path " + e.path()));
      if (byId.put(e.exportId(), e) != null) {
        throw new IllegalArgumentException("duplicate export id " + e.exportId());
      }
      if (byPath.put(path, e) != null) {
        throw new IllegalArgumentException("duplicate export path " + e.path());
      }
    }
  }

  public List<NfsExport> all() {
    return exports;
  }

  public Optional<NfsExport> byId(int exportId) {
    return Optional.ofNullable(byId.get(exportId));
  }

  /** The export mounted at {@code path} (trailing slashes and repeated slashes ignored). */
  public Optional<NfsExport> byPath(String path) {
    return normalise(path).map(byPath::get);
  }

  /** Where a MOUNT path lands: an export and the components below its root (maybe none). */
  public record Located(NfsExport export, List<String> below) {}

  /**
   * The export whose path is the longest prefix of {@code path} (on component boundaries), with the
   * remaining components: "/data/a/b" on export "/data" is (data, [a, b]).
   */
  public Optional<Located> locate(String path) {
    Optional<String> normal = normalise(path);
    if (normal.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>(List.of(normal.get().substring(1).split("/")));
    parts.removeIf(String::isEmpty);
    for (int keep = parts.size(); keep >= 0; keep--) {
      NfsExport e = byPath.get("/" + String.join("/", parts.subList(0, keep)));
      if (e != null) {
        return Optional.of(new Located(e, List.copyOf(parts.subList(keep, parts.size()))));
      }
    }
    return Optional.empty();
  }

  /**
   * An absolute path without empty, "." or ".." segments, as "/a/b"; empty when the path is
   * relative or climbs.
   */
  public static Optional<String> normalise(String path) {
    if (path == null || !path.startsWith("/")) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.equals("..") || p.equals(".") || p.indexOf('\0') >= 0) {
        return Optional.empty();
      }
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    return Optional.of("/" + String.join("/", parts));
  }

  /** The first rule of {@code export} that matches {@code client}. */
  public static Optional<ClientRule> ruleFor(NfsExport export, InetAddress client) {
    for (ClientRule r : export.clients()) {
      if (r.match().matches(client)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * The identity a call acts as after squashing. AUTH_NONE is anonymous; root squash maps uid 0 and
   * gid 0 (also among the supplementary groups) to the anonymous ids, as knfsd does.
   */
  public static Caller callerFor(ClientRule rule, Credential credential) {
    Caller anonymous = new Caller(rule.anonUid(), rule.anonGid(), List.of());
    return switch (credential) {
      case Credential.None none -> anonymous;
      case Credential.Sys sys ->
          switch (rule.squash()) {
            case NONE -> new Caller(sys.uid(), sys.gid(), sys.gids());
            case ALL -> anonymous;
            case ROOT -> rootSquashed(rule, sys);
          };
    };
  }

  private static Caller rootSquashed(ClientRule rule, Credential.Sys sys) {
    int uid = sys.uid() == 0 ? rule.anonUid() : sys.uid();
    int gid = sys.gid() == 0 ? rule.anonGid() : sys.gid();
    List<Integer> groups = sys.gids().stream().map(g -> g == 0 ? rule.anonGid() : g).toList();
    return new Caller(uid, gid, groups);
  }
}
