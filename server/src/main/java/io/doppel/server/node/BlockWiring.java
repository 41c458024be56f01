package io.doppel.server.node;

import io.doppel.block.nbd.NbdServerConfig;
import io.doppel.block.volume.VolumeDefinition;
import io.doppel.server.config.NbdConfig;
import io.doppel.server.config.VolumeConfig;

/** Maps the server's block-face config types onto the block module's (the one place it is done). */
final class BlockWiring {
  private BlockWiring() {}

  static NbdServerConfig server(NbdConfig c) {
    return new NbdServerConfig(c.bind(), c.port(), c.maxRequestBytes(), c.workers());
  }

  static VolumeDefinition volume(VolumeConfig c) {
    return new VolumeDefinition(c.name(), c.sizeBytes(), c.path(), c.readOnly(), c.cacheBytes());
  }
}
