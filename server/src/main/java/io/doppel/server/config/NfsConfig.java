package io.doppel.server.config;

import java.net.InetAddress;

/**
 * The {@code [nfs]} section: where NFS v3 and MOUNT v3 listen (one port, TCP and UDP).
 *
 * @param bind address to bind (default 0.0.0.0)
 * @param port 0..65535, 0 = ephemeral (default 2049)
 * @param udp serve UDP as well as TCP (default true)
 * @param portmap portmapper handling (default auto)
 * @param workers procedure worker threads (default 16)
 * @param maxRecordBytes hard cap on one RPC record (default 4 MiB)
 */
public record NfsConfig(
    InetAddress bind,
    int port,
    boolean udp,
    PortmapSetting portmap,
    int workers,
    int maxRecordBytes) {

  public static final int DEFAULT_PORT = 2049;
  public static final int DEFAULT_WORKERS = 16;
  public static final int DEFAULT_MAX_RECORD_BYTES = 4 * 1024 * 1024;

  /** The same section listening on another port. */
  public NfsConfig withPort(int newPort) {
    return new NfsConfig(bind, newPort, udp, portmap, workers, maxRecordBytes);
  }

  /** The same section with another portmap setting. */
  public NfsConfig withPortmap(PortmapSetting newPortmap) {
    return new NfsConfig(bind, port, udp, newPortmap, workers, maxRecordBytes);
  }
}
