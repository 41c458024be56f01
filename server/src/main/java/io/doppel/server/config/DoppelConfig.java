package io.doppel.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A node's whole configuration, validated as one piece by {@link ConfigLoader}.
 *
 * @param source the file it was read from (for messages)
 */
public record DoppelConfig(
    Path source,
    NodeConfig node,
    NfsConfig nfs,
    AdminConfig admin,
    SecurityConfig security,
    List<ExportConfig> exports) {

  public DoppelConfig {
    exports = List.copyOf(exports);
  }

  /** The export clients mount as {@code path}, if configured. */
  public Optional<ExportConfig> export(String path) {
    return exports.stream().filter(e -> e.path().equals(path)).findFirst();
  }

  public DoppelConfig withNfs(NfsConfig newNfs) {
    return new DoppelConfig(source, node, newNfs, admin, security, exports);
  }

  public DoppelConfig withAdmin(AdminConfig newAdmin) {
    return new DoppelConfig(source, node, nfs, newAdmin, security, exports);
  }
}
