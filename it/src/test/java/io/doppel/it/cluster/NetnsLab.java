package io.doppel.it.cluster;

import io.doppel.it.Exec;
import io.doppel.it.ExecResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces for cluster tests: one namespace per member, a bridge namespace holding one
 * bridge per network, and a veth pair per member and network (member side named {@code ethN}).
 * Addresses come from 10.213.0.0/16 and exist only inside the namespaces created here; {@link
 * #close()} deletes every namespace (which deletes their interfaces).
 */
final class NetnsLab implements AutoCloseable {
  private static final Duration CMD = Duration.ofSeconds(20);
  private final String prefix;
  private final List<String> namespaces = new ArrayList<>();

  NetnsLab(String prefix) {
    this.prefix = prefix;
  }

  /** True when this process may create namespaces (root with CAP_SYS_ADMIN). */
  static boolean available() {
    String probe = "dpt-probe-" + ProcessHandle.current().pid();
    try {
      boolean ok = Exec.run(CMD, List.of("ip", "netns", "add", probe)).exitCode() == 0;
      Exec.run(CMD, List.of("ip", "netns", "del", probe));
      return ok;
    } catch (IOException e) {
      return false;
    }
  }

  String ns(String member) {
    return prefix + "-" + member;
  }

  String bridgeNs() {
    return ns("br");
  }

  /** Creates the bridge namespace with one bridge per network ({@code br0}, {@code br1}...). */
  void bridges(int networks) throws IOException {
    addNs(bridgeNs());
    for (int i = 0; i < networks; i++) {
      run("ip", "-n", bridgeNs(), "link", "add", "br" + i, "type", "bridge");
      run("ip", "-n", bridgeNs(), "link", "set", "br" + i, "up");
    }
  }

  /**
   * Creates {@code member}'s namespace and plugs it into the given networks: network {@code i} gets
   * interface {@code eth<i>} with address {@code 10.213.<i>.<host>/24}.
   */
  void member(String member, int host, int... networks) throws IOException {
    String ns = ns(member);
    addNs(ns);
    for (int i : networks) {
      String outer = "v" + member + i;
      run(
          "ip",
          "-n",
          bridgeNs(),
          "link",
          "add",
          outer,
          "type",
          "veth",
          "peer",
          "name",
          "eth" + i,
          "netns",
          ns);
      run("ip", "-n", bridgeNs(), "link", "set", outer, "master", "br" + i);
      run("ip", "-n", bridgeNs(), "link", "set", outer, "up");
      run("ip", "-n", ns, "addr", "add", "10.213." + i + "." + host + "/24", "dev", "eth" + i);
      run("ip", "-n", ns, "link", "set", "eth" + i, "up");
    }
  }

  /** Takes {@code member}'s interface on network {@code i} down or up. */
  void link(String member, int i, boolean up) throws IOException {
    run("ip", "-n", ns(member), "link", "set", "eth" + i, up ? "up" : "down");
  }

  /**
   * The output of {@code ip -n NS addr show}. A failing {@code ip} (seen once in a while next to
   * other netns commands) is retried, never read as "no addresses".
   */
  String addresses(String member) throws IOException {
    ExecResult r = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      r = Exec.run(CMD, List.of("ip", "-n", ns(member), "addr", "show"));
      if (r.exitCode() == 0) {
        return r.stdoutText();
      }
    }
    throw new IOException("ip -n " + ns(member) + " addr show failed: " + r);
  }

  private void addNs(String ns) throws IOException {
    Exec.run(CMD, List.of("ip", "netns", "del", ns)); // a leftover of a killed run
    run("ip", "netns", "add", ns);
    namespaces.add(ns);
    run("ip", "-n", ns, "link", "set", "lo", "up");
  }

  static void run(String... argv) throws IOException {
    ExecResult r = Exec.run(CMD, List.of(argv));
    if (r.exitCode() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + r.stderr());
    }
  }

  @Override
  public void close() {
    for (String ns : namespaces.reversed()) {
      try {
        Exec.run(CMD, List.of("ip", "netns", "del", ns));
      } catch (IOException e) {
        System.err.println("cannot delete namespace " + ns + ": " + e);
      }
    }
    namespaces.clear();
  }
}
