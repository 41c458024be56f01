package io.doppel.server.node;

import io.doppel.fs.ExportStore;
import io.doppel.nfs.Access;
import io.doppel.nfs.ClientMatch;
import io.doppel.nfs.ClientRule;
import io.doppel.nfs.NfsExport;
import io.doppel.nfs.Squash;
import io.doppel.rpc.portmap.PortmapMode;
import io.doppel.server.config.ClientMatchValidator;
import io.doppel.server.config.ClientRuleConfig;
import io.doppel.server.config.ConfigLoader;
import io.doppel.server.config.ExportConfig;
import io.doppel.server.config.PortmapSetting;
import java.util.List;

/**
 * Maps the server's config types onto the nfs and rpc modules' types (the one place it is done).
 */
public final class NfsWiring {
  /** Checks client matches with the nfs module's own parser, so config and runtime agree. */
  public static final ClientMatchValidator MATCHES = ClientMatch::parse;

  private NfsWiring() {}

  /** A loader that checks client matches with the nfs module's parser. */
  public static ConfigLoader configLoader() {
    return new ConfigLoader(MATCHES);
  }

  static NfsExport export(ExportConfig config, ExportStore store) {
    List<ClientRule> rules = config.clients().stream().map(NfsWiring::rule).toList();
    return new NfsExport(config.path(), config.id(), store, rules);
  }

  static ClientRule rule(ClientRuleConfig c) {
    Access access =
        switch (c.access()) {
          case READ_WRITE -> Access.READ_WRITE;
          case READ_ONLY -> Access.READ_ONLY;
        };
    Squash squash =
        switch (c.squash()) {
          case NONE -> Squash.NONE;
          case ROOT -> Squash.ROOT;
          case ALL -> Squash.ALL;
        };
    return new ClientRule(ClientMatch.parse(c.match()), access, squash, c.anonUid(), c.anonGid());
  }

  static PortmapMode portmap(PortmapSetting setting) {
    return switch (setting) {
      case AUTO -> PortmapMode.AUTO;
      case OWN -> PortmapMode.OWN;
      case REGISTER -> PortmapMode.REGISTER;
      case OFF -> PortmapMode.OFF;
    };
  }
}
