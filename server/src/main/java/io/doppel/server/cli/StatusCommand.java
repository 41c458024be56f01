package io.doppel.server.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doppel.server.admin.ClusterStatus;
import io.doppel.server.admin.StatusReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code doppel status}: asks a node's admin endpoint for its status and prints it. */
@Command(
    name = "status",
    description = "Shows a running node's status (from its admin endpoint).",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:the endpoint is unreachable or answered an error"})
final class StatusCommand implements Callable<Integer> {
  static final String DEFAULT_ADMIN = "http://127.0.0.1:9180";
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Spec CommandSpec spec;

  @Option(
      names = "--admin",
      paramLabel = "URL",
      defaultValue = DEFAULT_ADMIN,
      description = "The node's admin endpoint (default: ${DEFAULT-VALUE}).")
  String admin;

  @Option(names = "--json", description = "Print the raw JSON.")
  boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "How long to wait for an answer (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI uri;
    try {
      uri = URI.create(admin.replaceAll("/+$", "") + "/status");
    } catch (IllegalArgumentException e) {
      err.println(
          "doppel status: --admin: expected a URL like " + DEFAULT_ADMIN + ", got " + admin);
      err.flush();
      return ExitCodes.CONFIG;
    }
    try {
      String body = fetch(uri);
      out.print(json ? body : format(JSON.readValue(body, StatusReport.class)));
      out.flush();
      return ExitCodes.OK;
    } catch (IOException | IllegalArgumentException e) {
      err.println(
          "doppel status: cannot get "
              + uri
              + ": "
              + CliMessages.describe(e)
              + " (is the node running?)");
      err.flush();
      return ExitCodes.FAILED;
    }
  }

  private String fetch(URI uri) throws IOException, InterruptedException {
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      return response.body();
    }
  }

  /** The human-readable summary. */
  static String format(StatusReport s) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "node %s (doppel %s): %s, up %s%n", s.node(), s.version(), s.state(), uptime(s)));
    out.append(
        String.format(
            "nfs port %d, admin port %d, nbd port %s%n",
            s.nfsPort(), s.adminPort(), s.nbdPort() < 0 ? "off" : Integer.toString(s.nbdPort())));
    out.append(String.format("exports: %d%n", s.exports().size()));
    for (StatusReport.ExportStatus e : s.exports()) {
      out.append(
          String.format(
              "  %-20s id %-6d applied %-10d %s%n",
              e.path(), e.id(), e.lastAppliedSequence(), e.directory()));
    }
    if (!s.volumes().isEmpty()) {
      out.append(String.format("volumes: %d%n", s.volumes().size()));
      for (StatusReport.VolumeStatus v : s.volumes()) {
        out.append(
            String.format(
                "  %-20s %12s %-2s %s%n",
                v.name(), bytes(v.sizeBytes()), v.readOnly() ? "ro" : "rw", v.path()));
      }
    }
    if (s.cluster() != null) {
      out.append(formatCluster(s.cluster()));
    }
    return out.toString();
  }

  /** Nodes with their links, then resources with role, epoch, holder and lease remaining. */
  static String formatCluster(ClusterStatus c) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "cluster: member %s%s%s%n",
            c.self(), c.witness() ? " (witness)" : "", c.maintenance() ? ", MAINTENANCE" : ""));
    for (ClusterStatus.PeerStatus p : c.nodes()) {
      StringBuilder links = new StringBuilder();
      new java.util.TreeMap<>(p.links())
          .forEach((l, st) -> links.append(' ').append(l).append('=').append(st));
      out.append(String.format("  node %-16s %-14s links:%s%n", p.name(), p.state(), links));
    }
    for (ClusterStatus.ResourceStatus r : c.resources()) {
      out.append(
          String.format(
              "  %-24s %-11s epoch %-4d holder %-10s lease %5d ms%s%s%n",
              r.name(),
              r.role(),
              r.epoch(),
              r.holder().isEmpty() ? "-" : r.holder(),
              r.leaseRemainingMs(),
              r.address().isEmpty() ? "" : "  " + r.address() + (r.addressHeld() ? " (here)" : ""),
              flags(r)));
    }
    return out.toString();
  }

  /** Seed 003's "wait for recovery" and the replicas marked out of date, if any. */
  private static String flags(ClusterStatus.ResourceStatus r) {
    StringBuilder f = new StringBuilder();
    if (r.waitForRecovery()) {
      f.append("  WAIT-FOR-RECOVERY");
    }
    if (!r.outOfDate().isEmpty()) {
      f.append("  out-of-date: ").append(String.join(",", r.outOfDate()));
    }
    return f.toString();
  }

  /** A size in the largest binary unit that divides it ("256 MiB"), else in bytes. */
  static String bytes(long n) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (4 - i));
      if (n >= unit && n % unit == 0) {
        return n / unit + " " + units[i];
      }
    }
    return n + " B";
  }

  private static String uptime(StatusReport s) {
    long t = s.uptimeSeconds();
    if (t >= 86400) {
      return String.format("%dd %dh %dm", t / 86400, t % 86400 / 3600, t % 3600 / 60);
    }
    if (t >= 3600) {
      return String.format("%dh %dm %ds", t / 3600, t % 3600 / 60, t % 60);
    }
    return t >= 60 ? String.format("%dm %ds", t / 60, t % 60) : t + "s";
  }
}
