package io.doppel.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Command-line overrides applied on top of a loaded file ({@code --nfs-port}, {@code --admin-port},
 * {@code --portmap}). Checked with the same ranges as the file.
 */
public record ConfigOverrides(
    OptionalInt nfsPort, OptionalInt adminPort, Optional<PortmapSetting> portmap) {

  public static ConfigOverrides none() {
    return new ConfigOverrides(OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
  }

  /** The configuration with the overrides applied. */
  public DoppelConfig apply(DoppelConfig config) throws ConfigException {
    List<String> errors = new ArrayList<>();
    nfsPort.stream()
        .filter(p -> p < 0 || p > 65535)
        .forEach(p -> errors.add("--nfs-port: expected an integer 0..65535, got " + p));
    adminPort.stream()
        .filter(p -> p < -1 || p > 65535)
        .forEach(p -> errors.add("--admin-port: expected an integer -1..65535, got " + p));
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    NfsConfig nfs = config.nfs();
    if (nfsPort.isPresent()) {
      nfs = nfs.withPort(nfsPort.getAsInt());
    }
    if (portmap.isPresent()) {
      nfs = nfs.withPortmap(portmap.get());
    }
    AdminConfig admin = config.admin();
    if (adminPort.isPresent()) {
      admin = admin.withPort(adminPort.getAsInt());
    }
    return config.withNfs(nfs).withAdmin(admin);
  }
}
