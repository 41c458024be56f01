package io.doppel.rpc.portmap;

/** How doppel makes its programs findable through the portmapper (RFC 1833). */
public enum PortmapMode {
  /** Serve the portmapper on port 111 when it is free, else register with the running one. */
  AUTO,
  /** Serve the portmapper ourselves on port 111; fail if it is taken. */
  OWN,
  /** Register our programs with the portmapper already running on this host. */
  REGISTER,
  /** Do nothing: clients must be told the ports. */
  OFF
}
