package io.doppel.server.config;

/**
 * How the node makes its programs known to portmapper/rpcbind clients (RFC 1833), the {@code
 * nfs.portmap} key. Mirrors the rpc module's {@code PortmapMode}, which the wiring maps it to.
 */
public enum PortmapSetting {
  /** Serve portmap on port 111 when it is free, else register with the running rpcbind. */
  AUTO,
  /** Serve portmap on port 111; fail when it is taken. */
  OWN,
  /** Register with the running rpcbind; fail when there is none. */
  REGISTER,
  /** No portmap: clients must be told the port (e.g. libnfs {@code ?nfsport=&mountport=}). */
  OFF
}
