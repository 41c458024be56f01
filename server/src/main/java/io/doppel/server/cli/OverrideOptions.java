package io.doppel.server.cli;

import io.doppel.server.config.ConfigOverrides;
import io.doppel.server.config.PortmapSetting;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/** Command-line overrides of config keys ({@code --nfs-port}, {@code --admin-port}, ...). */
final class OverrideOptions {
  @Option(
      names = "--nfs-port",
      paramLabel = "PORT",
      description = "Overrides nfs.port (0 = ephemeral).")
  Integer nfsPort;

  @Option(
      names = "--admin-port",
      paramLabel = "PORT",
      description = "Overrides admin.port (0 = ephemeral, -1 = disabled).")
  Integer adminPort;

  @Option(
      names = "--portmap",
      paramLabel = "MODE",
      description = "Overrides nfs.portmap: ${COMPLETION-CANDIDATES}.")
  PortmapSetting portmap;

  ConfigOverrides overrides() {
    return new ConfigOverrides(
        nfsPort == null ? OptionalInt.empty() : OptionalInt.of(nfsPort),
        adminPort == null ? OptionalInt.empty() : OptionalInt.of(adminPort),
        Optional.ofNullable(portmap));
  }
}
