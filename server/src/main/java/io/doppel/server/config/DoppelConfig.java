package io.doppel.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A node's whole configuration, validated as one piece by {@link ConfigLoader}.
 *
 * @param source the file it was read from (for messages)
 * @param nbd the block face's server; {@link NbdConfig#enabled()} says whether it runs
 * @param volumes block volumes served over NBD, in file order
 * @param cluster the {@code [cluster]} section; empty = a group of one, no cluster agent
 */
public record DoppelConfig(
    Path source,
    NodeConfig node,
    NfsConfig nfs,
    AdminConfig admin,
    SecurityConfig security,
    List<ExportConfig> exports,
    NbdConfig nbd,
    List<VolumeConfig> volumes,
    Optional<ClusterConfig> cluster) {

  public DoppelConfig {
    exports = List.copyOf(exports);
    volumes = List.copyOf(volumes);
    cluster = cluster == null ? Optional.empty() : cluster;
  }

  /** A node without a {@code [cluster]} section. */
  public DoppelConfig(
      Path source,
      NodeConfig node,
      NfsConfig nfs,
      AdminConfig admin,
      SecurityConfig security,
      List<ExportConfig> exports,
      NbdConfig nbd,
      List<VolumeConfig> volumes) {
    this(source, node, nfs, admin, security, exports, nbd, volumes, Optional.empty());
  }

  /** The export clients mount as {@code path}, if configured. */
  public Optional<ExportConfig> export(String path) {
    return exports.stream().filter(e -> e.path().equals(path)).findFirst();
  }

  public DoppelConfig withNfs(NfsConfig newNfs) {
    return new DoppelConfig(source, node, newNfs, admin, security, exports, nbd, volumes, cluster);
  }

  public DoppelConfig withNbd(NbdConfig newNbd) {
    return new DoppelConfig(source, node, nfs, admin, security, exports, newNbd, volumes, cluster);
  }

  /** The volume named {@code name}, if configured. */
  public Optional<VolumeConfig> volume(String name) {
    return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  public DoppelConfig withAdmin(AdminConfig newAdmin) {
    return new DoppelConfig(source, node, nfs, newAdmin, security, exports, nbd, volumes, cluster);
  }
}
