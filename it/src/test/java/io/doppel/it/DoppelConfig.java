package io.doppel.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a doppel TOML config (format in CONTRACTS.md) with ports chosen by the test. */
public final class DoppelConfig {
  /** One [[exports.clients]] rule. */
  public record Rule(String match, String access, String squash) {}

  /** One [[exports]] table. */
  public record Export(String path, int id, List<Rule> clients) {}

  /**
   * One [[volumes]] table (block volume served over NBD).
   *
   * @param size e.g. "64M", or null to use an existing image's size
   * @param cacheBytes read-cache bytes, or -1 for the server's default
   */
  public record Volume(String name, String size, boolean readOnly, long cacheBytes) {}

  private final Path dataDir;
  private final int nfsPort;
  private final int adminPort;
  private String portmap = "off";
  private int maxRecordBytes = 4 << 20;
  private final List<Export> exports = new ArrayList<>();
  private final List<Volume> volumes = new ArrayList<>();
  private int nbdPort = -1;
  private String nodeName = "it";
  private final java.util.Map<String, List<String>> volumeNodes = new java.util.HashMap<>();
  private final java.util.Map<String, String> volumeRoles = new java.util.HashMap<>();
  private String replicationToml = "";

  public DoppelConfig(Path dataDir) {
    this.dataDir = dataDir;
    this.nfsPort = Ports.free();
    int admin = Ports.free();
    while (admin == nfsPort) {
      admin = Ports.free();
    }
    this.adminPort = admin;
  }

  /** The common case: export /data, rw for 127.0.0.0/8, no root squash. */
  public static DoppelConfig standard(Path dataDir) {
    return new DoppelConfig(dataDir)
        .export("/data", 1, List.of(new Rule("127.0.0.0/8", "rw", "none")));
  }

  public DoppelConfig export(String path, int id, List<Rule> clients) {
    exports.add(new Export(path, id, clients));
    return this;
  }

  /** Adds a volume; the first one also turns on the [nbd] section on a free port. */
  public DoppelConfig volume(String name, String size, boolean readOnly, long cacheBytes) {
    volumes.add(new Volume(name, size, readOnly, cacheBytes));
    return nbd();
  }

  /** The [node] name (default "it"). */
  public DoppelConfig nodeName(String name) {
    nodeName = name;
    return this;
  }

  /** Mirrors an added volume across {@code nodes} (priority order: the first is primary). */
  public DoppelConfig mirror(String volume, List<String> nodes) {
    volumeNodes.put(volume, List.copyOf(nodes));
    return this;
  }

  /** A static role for a mirrored volume on this node ("primary", "backup" or "auto"). */
  public DoppelConfig role(String volume, String role) {
    volumeRoles.put(volume, role);
    return this;
  }

  /** A [replication] section: this node listens on {@code bind}, reaches others at peers. */
  public DoppelConfig replication(String bind, java.util.Map<String, String> peers, long ackMs) {
    StringBuilder b = new StringBuilder("[replication]\nbind = \"").append(bind).append("\"\n");
    b.append("ack_timeout_ms = ").append(ackMs).append("\npeers = { ");
    peers.forEach((n, a) -> b.append(n).append(" = \"").append(a).append("\", "));
    replicationToml = b.append("}\n\n").toString().replace(", }", " }");
    return this;
  }

  /** Writes an [nbd] section on 127.0.0.1 and a free port (even without volumes). */
  public DoppelConfig nbd() {
    while (nbdPort < 0 || nbdPort == nfsPort || nbdPort == adminPort) {
      nbdPort = Ports.free();
    }
    return this;
  }

  /** The NBD port, or -1 when the config has no [nbd] section. */
  public int nbdPort() {
    return nbdPort;
  }

  /** The NBD URI of a volume: {@code nbd://127.0.0.1:PORT/NAME}. */
  public String nbdUri(String volume) {
    return "nbd://127.0.0.1:" + nbdPort + "/" + volume;
  }

  public DoppelConfig portmap(String mode) {
    this.portmap = mode;
    return this;
  }

  public DoppelConfig maxRecordBytes(int n) {
    this.maxRecordBytes = n;
    return this;
  }

  public int nfsPort() {
    return nfsPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public String toToml() {
    StringBuilder b = new StringBuilder();
    b.append("[node]\nname = \"").append(nodeName).append("\"\n");
    b.append("data_dir = \"").append(dataDir).append("\"\n\n");
    b.append("[nfs]\nbind = \"127.0.0.1\"\nport = ").append(nfsPort).append('\n');
    b.append("udp = false\nportmap = \"").append(portmap).append("\"\nworkers = 8\n");
    b.append("max_record_bytes = ").append(maxRecordBytes).append("\n\n");
    b.append("[admin]\nbind = \"127.0.0.1\"\nport = ").append(adminPort).append("\n\n");
    for (Export e : exports) {
      b.append("[[exports]]\npath = \"").append(e.path()).append("\"\nid = ").append(e.id());
      b.append('\n');
      for (Rule r : e.clients()) {
        b.append("  [[exports.clients]]\n  match = \"").append(r.match()).append("\"\n");
        b.append("  access = \"").append(r.access()).append("\"\n");
        b.append("  squash = \"").append(r.squash()).append("\"\n");
      }
      b.append('\n');
    }
    if (nbdPort >= 0) {
      b.append("[nbd]\nbind = \"127.0.0.1\"\nport = ").append(nbdPort).append("\n\n");
    }
    b.append(replicationToml);
    for (Volume v : volumes) {
      b.append("[[volumes]]\nname = \"").append(v.name()).append("\"\n");
      if (v.size() != null) {
        b.append("size = \"").append(v.size()).append("\"\n");
      }
      b.append("read_only = ").append(v.readOnly()).append('\n');
      if (volumeNodes.containsKey(v.name())) {
        b.append("nodes = [\"").append(String.join("\", \"", volumeNodes.get(v.name())));
        b.append("\"]\n");
      }
      if (volumeRoles.containsKey(v.name())) {
        b.append("role = \"").append(volumeRoles.get(v.name())).append("\"\n");
      }
      if (v.cacheBytes() >= 0) {
        b.append("cache_bytes = ").append(v.cacheBytes()).append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }
}
