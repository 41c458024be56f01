package io.doppel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code doppel volume verify NAME [--repair] [--rate R]} (ISSUE3 "Operations"): starts an online
 * verify on the volume's primary (the node behind {@code --admin}), shows its progress on stderr
 * and prints the differing regions of each backup. Exit 0 when every backup was compared everywhere
 * and is identical; 1 when differences were found (even if repaired, like fsck) or the verify
 * failed.
 */
@Command(
    name = "verify",
    description =
        "Compares the primary's image with every in-sync backup's by SHA-256 digest, online, at"
            + " the same point of the replication stream; reports differing regions.",
    mixinStandardHelpOptions = true)
final class VolumeVerifyCommand extends VolumeCommand.VolumeArgs implements Callable<Integer> {
  @Option(
      names = "--repair",
      description = "Mark differing regions dirty for their backup; the resync copies just those.")
  boolean repair;

  @Option(
      names = "--rate",
      paramLabel = "BYTES_PER_S",
      description =
          "Upper bound on the walk's pace, e.g. 64M (default: the node's, 256M; 0 = off).")
  String rate;

  @Option(
      names = "--poll-ms",
      defaultValue = "500",
      description = "Time between progress reports (default: ${DEFAULT-VALUE}).")
  long pollMs;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("name", name);
    query.put("repair", Boolean.toString(repair));
    if (rate != null) {
      long r = VolumeCreateCommand.parseSize(rate);
      if (r < 0) {
        err().println("doppel: --rate: expected bytes per second like 64M, got " + rate);
        err().flush();
        return ExitCodes.CONFIG;
      }
      query.put("rate", Long.toString(r));
    }
    int started = AdminCommandClient.post(admin, "/volume/verify", query, out(), err());
    if (started != ExitCodes.OK) {
      return started;
    }
    try {
      JsonNode report = poll();
      out().print(VolumeStatusFormat.verifyResult(report));
      out().flush();
      return "DONE".equals(report.path("state").asText()) && clean(report)
          ? ExitCodes.OK
          : ExitCodes.FAILED;
    } catch (IOException e) {
      err().println("doppel: lost the verify of " + name + ": " + CliMessages.describe(e));
      err().flush();
      return ExitCodes.FAILED;
    }
  }

  private JsonNode poll() throws IOException, InterruptedException {
    String path = "/volume/verify/report?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    while (true) {
      VolumeAdminClient.Answer a = VolumeAdminClient.get(admin, path);
      if (a.status() != 200) {
        throw new IOException("HTTP " + a.status() + ": " + a.body().path("message").asText());
      }
      String state = a.body().path("state").asText();
      err().println(VolumeStatusFormat.verifyProgress(a.body()));
      err().flush();
      if (state.equals("DONE") || state.equals("FAILED")) {
        return a.body();
      }
      Thread.sleep(pollMs);
    }
  }

  static boolean clean(JsonNode report) {
    for (JsonNode r : report.path("replicas")) {
      if (!r.path("differing").isEmpty() || r.path("unverifiedBytes").asLong() > 0) {
        return false;
      }
    }
    return true;
  }
}
