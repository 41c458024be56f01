package io.doppel.server.node;

import io.doppel.block.mirror.MirrorHost;
import io.doppel.block.mirror.MirrorSettings;
import io.doppel.block.mirror.MirrorStatus;
import io.doppel.block.mirror.VolumeRole;
import io.doppel.block.volume.VolumeCatalog.VolumeDecorator;
import io.doppel.metrics.MetricRegistry;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.config.ReplicationConfig;
import io.doppel.server.config.VolumeConfig;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires mirrored volumes ({@code nodes = [...]} plus {@code [replication]}) onto the block module's
 * {@link MirrorHost}: the primary's volumes are decorated with a mirrored volume, a backup's are
 * opened for the replica server and <em>not exported</em> over NBD. Static roles: {@code role}
 * overrides, else the first node listed is primary.
 */
final class MirrorWiring implements AutoCloseable {
  private final MirrorHost host;
  private final Map<String, VolumeRole> roles;
  private final Map<String, VolumeConfig> volumes;
  private final String self;

  private MirrorWiring(
      MirrorHost host,
      Map<String, VolumeRole> roles,
      Map<String, VolumeConfig> volumes,
      String self) {
    this.host = host;
    this.roles = roles;
    this.volumes = volumes;
    this.self = self;
  }

  /** Opens the backups and binds the replica server; a no-op wiring when nothing is mirrored. */
  static MirrorWiring start(DoppelConfig config, MetricRegistry metrics) throws IOException {
    String self = config.node().name();
    Map<String, VolumeRole> roles = new LinkedHashMap<>();
    Map<String, VolumeConfig> mirrored = new LinkedHashMap<>();
    for (VolumeConfig v : config.volumes()) {
      if (v.mirrored()) {
        roles.put(v.name(), roleOf(v, self));
        mirrored.put(v.name(), v);
      }
    }
    if (mirrored.isEmpty()) {
      return new MirrorWiring(null, roles, mirrored, self);
    }
    ReplicationConfig rc = config.nbd().replication();
    if (rc == null) {
      throw new IOException(
          config.source() + ": mirrored volumes need a [replication] section (bind, peers)");
    }
    AtomicInteger threadNo = new AtomicInteger();
    MirrorHost host =
        new MirrorHost(
            new MirrorSettings(
                self, rc.bind(), rc.peers(), rc.regionBytes(), rc.ackTimeoutMs() * 1_000_000L),
            metrics,
            System::nanoTime,
            r ->
                Thread.ofPlatform()
                    .name("mirror-" + threadNo.incrementAndGet())
                    .daemon()
                    .unstarted(r));
    try {
      for (VolumeConfig v : mirrored.values()) {
        if (roles.get(v.name()) == VolumeRole.BACKUP) {
          host.openBackup(v.name(), v.path(), v.sizeBytes());
        }
      }
      host.start();
    } catch (IOException | RuntimeException e) {
      host.close();
      throw e;
    }
    return new MirrorWiring(host, roles, mirrored, self);
  }

  private static VolumeRole roleOf(VolumeConfig v, String self) throws IOException {
    if (!v.nodes().contains(self)) {
      throw new IOException("volume " + v.name() + ": nodes " + v.nodes() + " do not list " + self);
    }
    if (v.role() != null) {
      return v.role().equals("primary") ? VolumeRole.PRIMARY : VolumeRole.BACKUP;
    }
    return v.nodes().get(0).equals(self) ? VolumeRole.PRIMARY : VolumeRole.BACKUP;
  }

  /** Whether the volume is served over NBD here (not while this node is its backup). */
  boolean exported(VolumeConfig v) {
    return roles.get(v.name()) != VolumeRole.BACKUP;
  }

  /** Wraps this node's primary volumes in a mirrored volume; others pass through. */
  VolumeDecorator decorator() {
    return (def, local) -> {
      VolumeConfig v = volumes.get(def.name());
      if (v == null || roles.get(def.name()) != VolumeRole.PRIMARY) {
        return local;
      }
      List<String> backups = v.nodes().stream().filter(n -> !n.equals(self)).toList();
      return host.openPrimary(local, v.path(), backups);
    };
  }

  /** The volume's mirror status, empty when it is not mirrored. */
  Optional<MirrorStatus> status(String volume) {
    return host == null || !roles.containsKey(volume) ? Optional.empty() : host.status(volume);
  }

  @Override
  public void close() throws IOException {
    if (host != null) {
      host.close();
    }
  }
}
