package io.doppel.server.config;

import java.net.InetAddress;

/**
 * The {@code [admin]} section: the HTTP endpoint serving /metrics, /status and /healthz.
 *
 * @param bind address to bind (default 127.0.0.1)
 * @param port 0..65535, 0 = ephemeral, {@link #DISABLED} = no admin endpoint (default 9180)
 */
public record AdminConfig(InetAddress bind, int port) {
  public static final int DEFAULT_PORT = 9180;
  public static final int DISABLED = -1;

  public boolean enabled() {
    return port != DISABLED;
  }

  public AdminConfig withPort(int newPort) {
    return new AdminConfig(bind, newPort);
  }
}
