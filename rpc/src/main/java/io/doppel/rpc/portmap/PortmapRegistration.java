package io.doppel.rpc.portmap;

import io.doppel.metrics.MetricRegistry;
import io.doppel.rpc.Credential;
import io.doppel.rpc.RpcProgram;
import io.doppel.rpc.RpcServer;
import io.doppel.rpc.RpcServerConfig;
import io.doppel.rpc.client.RpcClient;
import io.doppel.rpc.client.RpcException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes doppel's programs findable through the portmapper (RFC 1833), in one of the {@link
 * PortmapMode}s. Either runs our own portmapper (program 100000 v2–4 over TCP and UDP) with our
 * programs pre-registered, or registers our programs with the portmapper already running on this
 * host: through rpcbind's Unix socket when it exists (the only place stock rpcbind accepts SET from
 * unprivileged processes), else over TCP to 127.0.0.1:111, using v2 UNSET then SET for TCP and UDP
 * of every version of every program. {@link #close()} undoes what {@code start} did.
 */
public final class PortmapRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PortmapRegistration.class);
  static final Path RPCBIND_SOCKET = Path.of("/run/rpcbind.sock");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Where to find an already running portmapper. */
  record Remote(InetSocketAddress tcp, Path unixSocket) {}

  private final RpcServer ownServer;
  private final Remote remote;
  private final List<RpcProgram> registered;

  private PortmapRegistration(RpcServer ownServer, Remote remote, List<RpcProgram> registered) {
    this.ownServer = ownServer;
    this.remote = remote;
    this.registered = registered;
  }

  public static PortmapRegistration start(
      PortmapMode mode,
      InetAddress bindAddress,
      List<RpcProgram> programs,
      int port,
      MetricRegistry metrics)
      throws IOException {
    Remote remote =
        new Remote(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), PortmapWire.PORT),
            RPCBIND_SOCKET);
    return start(mode, bindAddress, programs, port, metrics, PortmapWire.PORT, remote);
  }

  /** As the public start, with the own portmapper's port and the remote portmapper configurable. */
  static PortmapRegistration start(
      PortmapMode mode,
      InetAddress bindAddress,
      List<RpcProgram> programs,
      int port,
      MetricRegistry metrics,
      int ownPort,
      Remote remote)
      throws IOException {
    return switch (mode) {
      case OFF -> new PortmapRegistration(null, null, List.of());
      case OWN -> serveOwn(bindAddress, programs, port, metrics, ownPort);
      case REGISTER -> register(programs, port, remote);
      case AUTO -> {
        try {
          yield serveOwn(bindAddress, programs, port, metrics, ownPort);
        } catch (IOException e) {
          LOG.info(
              "event=portmap_port_taken port={} action=register error={}", ownPort, e.getMessage());
          yield register(programs, port, remote);
        }
      }
    };
  }

  private static PortmapRegistration serveOwn(
      InetAddress bindAddress,
      List<RpcProgram> programs,
      int port,
      MetricRegistry metrics,
      int ownPort)
      throws IOException {
    PortmapRegistry registry = new PortmapRegistry();
    PortmapProgram portmap = new PortmapProgram(registry, InstantSource.system());
    RpcServerConfig config = new RpcServerConfig(bindAddress, ownPort, true, 64 * 1024, 2);
    RpcServer server = new RpcServer(config, List.of(portmap), metrics);
    try {
      server.start();
    } catch (IOException e) {
      metrics.unregisterMatching(Map.of("server", Integer.toString(PortmapWire.PROGRAM)));
      throw e;
    }
    addAll(registry, List.of(portmap), bindAddress, server.port());
    addAll(registry, programs, bindAddress, port);
    LOG.info(
        "event=portmap_serving address={} port={}", bindAddress.getHostAddress(), server.port());
    return new PortmapRegistration(server, null, List.of());
  }

  private static void addAll(
      PortmapRegistry registry, List<RpcProgram> programs, InetAddress bind, int port) {
    boolean v6 = bind instanceof java.net.Inet6Address;
    String address = UniversalAddress.format(bind, port);
    for (RpcProgram p : programs) {
      for (int v = p.lowestVersion(); v <= p.highestVersion(); v++) {
        registry.set(new Mapping(p.program(), v, v6 ? "tcp6" : "tcp", address, "doppel"));
        registry.set(new Mapping(p.program(), v, v6 ? "udp6" : "udp", address, "doppel"));
      }
    }
  }

  private static PortmapRegistration register(List<RpcProgram> programs, int port, Remote remote)
      throws IOException {
    try (RpcClient client = connect(remote)) {
      for (RpcProgram p : programs) {
        for (int v = p.lowestVersion(); v <= p.highestVersion(); v++) {
          unset(client, p.program(), v);
          set(client, p.program(), v, PortmapWire.IPPROTO_TCP, port);
          set(client, p.program(), v, PortmapWire.IPPROTO_UDP, port);
        }
      }
    }
    LOG.info(
        "event=portmap_registered programs={} port={}",
        programs.stream().map(RpcProgram::program).toList(),
        port);
    return new PortmapRegistration(null, remote, List.copyOf(programs));
  }

  private static RpcClient connect(Remote remote) throws IOException {
    if (remote.unixSocket() != null && Files.exists(remote.unixSocket())) {
      try {
        return RpcClient.connectLocal(remote.unixSocket(), TIMEOUT);
      } catch (IOException e) {
        LOG.debug(
            "event=rpcbind_socket_failed path={} error={}", remote.unixSocket(), e.toString());
      }
    }
    return RpcClient.connect(remote.tcp(), TIMEOUT);
  }

  private static void set(RpcClient client, int program, int version, int protocol, int port)
      throws IOException {
    boolean ok = v2Change(client, PortmapWire.SET, program, version, protocol, port);
    if (!ok) {
      throw new IOException(
          "portmapper refused SET program="
              + program
              + " version="
              + version
              + " protocol="
              + protocol
              + " port="
              + port);
    }
  }

  private static boolean unset(RpcClient client, int program, int version) throws IOException {
    return v2Change(client, PortmapWire.UNSET, program, version, 0, 0);
  }

  private static boolean v2Change(
      RpcClient client, int procedure, int program, int version, int protocol, int port)
      throws IOException {
    try {
      return client.call(
          PortmapWire.PROGRAM,
          2,
          procedure,
          new Credential.None(),
          out -> out.writeInt(program).writeInt(version).writeInt(protocol).writeInt(port),
          in -> in.readBoolean());
    } catch (RpcException e) {
      throw new IOException("portmapper answered " + e.status() + " to procedure " + procedure, e);
    }
  }

  /** Stops our portmapper, or unregisters our programs from the running one. */
  @Override
  public void close() {
    if (ownServer != null) {
      ownServer.close();
      return;
    }
    if (registered.isEmpty()) {
      return;
    }
    try (RpcClient client = connect(remote)) {
      for (RpcProgram p : registered) {
        for (int v = p.lowestVersion(); v <= p.highestVersion(); v++) {
          unset(client, p.program(), v);
        }
      }
      LOG.info(
          "event=portmap_unregistered programs={}",
          registered.stream().map(RpcProgram::program).toList());
    } catch (IOException e) {
      LOG.warn("event=portmap_unregister_failed error={}", e.toString());
    }
  }

  /** The port our own portmapper listens on, or -1 when we registered elsewhere. */
  int ownPort() {
    return ownServer == null ? -1 : ownServer.port();
  }
}
