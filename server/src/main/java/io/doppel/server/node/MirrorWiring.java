package io.doppel.server.node;

import io.doppel.block.mirror.MirrorHost;
import io.doppel.block.mirror.MirrorSettings;
import io.doppel.block.mirror.MirrorStatus;
import io.doppel.block.mirror.RoleAssignment;
import io.doppel.block.mirror.VolumeRole;
import io.doppel.block.volume.FileVolume;
import io.doppel.block.volume.Volume;
import io.doppel.block.volume.VolumeCatalog.VolumeDecorator;
import io.doppel.block.volume.VolumeLookup;
import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.AdminActions;
import io.doppel.server.admin.VolumeActions;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.config.ReplicationConfig;
import io.doppel.server.config.VolumeConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires mirrored volumes ({@code nodes = [...]} plus {@code [replication]}) onto the block module's
 * {@link MirrorHost}: the primary's volumes are decorated with a mirrored volume, a backup's are
 * opened for the replica server and <em>not exported</em> over NBD. Start-up roles: {@code role}
 * overrides, else the first node listed is primary; the operator moves them at run time ({@link
 * #promote}, {@link #demote}). Mirrored volumes are opened here, not by the volume catalog, and the
 * NBD server finds them through {@link #lookup}, which asks the host for the current role.
 */
final class MirrorWiring implements AutoCloseable, VolumeActions {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorWiring.class);

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
        List<String> others = v.nodes().stream().filter(n -> !n.equals(self)).toList();
        int rank = v.nodes().indexOf(self);
        if (roles.get(v.name()) == VolumeRole.BACKUP) {
          host.openBackup(v.name(), v.path(), v.sizeBytes(), others, 0, rank);
        } else {
          java.nio.file.Files.createDirectories(v.path().toAbsolutePath().getParent());
          FileVolume local = FileVolume.createOrOpen(v.name(), v.path(), v.sizeBytes(), false);
          try {
            host.openPrimary(local, v.path(), others, rank);
          } catch (IOException | RuntimeException e) {
            local.close();
            throw e;
          }
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

  /** Whether the volume catalog opens it: mirrored volumes are opened (and served) here. */
  boolean exported(VolumeConfig v) {
    return !volumes.containsKey(v.name());
  }

  /** No decoration: the catalog holds only unmirrored volumes. */
  VolumeDecorator decorator() {
    return (def, local) -> local;
  }

  /** The NBD server's view: the catalog plus the mirrored volumes this node is primary of now. */
  VolumeLookup lookup(VolumeLookup catalog) {
    return new VolumeLookup() {
      @Override
      public Optional<Volume> find(String name) {
        if (volumes.containsKey(name)) {
          return host.primary(name).map(Volume.class::cast);
        }
        return catalog.find(name);
      }

      @Override
      public List<String> names() {
        List<String> out = new ArrayList<>(catalog.names());
        volumes.keySet().stream().filter(n -> host.primary(n).isPresent()).forEach(out::add);
        return out;
      }
    };
  }

  @Override
  public AdminActions.Result promote(String volume) {
    return change(volume, VolumeRole.PRIMARY);
  }

  @Override
  public AdminActions.Result demote(String volume) {
    return change(volume, VolumeRole.BACKUP);
  }

  private AdminActions.Result change(String volume, VolumeRole role) {
    if (host == null || !volumes.containsKey(volume)) {
      return new AdminActions.Result(404, "no mirrored volume " + volume + " on this node");
    }
    try {
      RoleAssignment before = host.role(volume).orElseThrow();
      RoleAssignment now = host.changeRole(volume, new RoleAssignment(role, 0));
      String what = before.role() == now.role() ? "already " : "now ";
      return new AdminActions.Result(
          200,
          "volume "
              + volume
              + " is "
              + what
              + now.role().name().toLowerCase(java.util.Locale.ROOT)
              + " on "
              + self
              + " in epoch "
              + now.epoch());
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=role_change_failed volume={} to={} cause={}", volume, role, e.toString());
      return new AdminActions.Result(
          409, "cannot make " + volume + " " + role + ": " + e.getMessage());
    }
  }

  @Override
  public AdminActions.Result resync(String volume, String discardNode) {
    if (host == null || !volumes.containsKey(volume)) {
      return new AdminActions.Result(404, "no mirrored volume " + volume + " on this node");
    }
    try {
      host.discardReplicaChanges(volume, discardNode);
      return new AdminActions.Result(
          200,
          "volume "
              + volume
              + ": "
              + self
              + " survives; copying it over "
              + discardNode
              + "'s diverged replica (watch doppel volume status)");
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "event=resync_refused volume={} discard={} cause={}", volume, discardNode, e.toString());
      return new AdminActions.Result(409, "cannot resync " + volume + ": " + e.getMessage());
    }
  }

  @Override
  public AdminActions.Result verify(String volume, boolean repair, long rateBytesPerSecond) {
    if (host == null || !volumes.containsKey(volume)) {
      return new AdminActions.Result(404, "no mirrored volume " + volume + " on this node");
    }
    var options = io.doppel.block.mirror.verify.VerifyOptions.DEFAULT.withRepair(repair);
    if (rateBytesPerSecond >= 0) {
      options = options.withRate(rateBytesPerSecond);
    }
    try {
      host.startVerify(
          volume, options, r -> Thread.ofPlatform().name("verify-" + volume).daemon().unstarted(r));
      return new AdminActions.Result(
          202, "verify of " + volume + " started on " + self + (repair ? " (with repair)" : ""));
    } catch (IllegalArgumentException | IllegalStateException e) {
      return new AdminActions.Result(409, "cannot verify " + volume + ": " + e.getMessage());
    }
  }

  @Override
  public Optional<io.doppel.block.mirror.verify.VerifyReport> verifyReport(String volume) {
    return host == null || !volumes.containsKey(volume)
        ? Optional.empty()
        : host.verifyReport(volume);
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
