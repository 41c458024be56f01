package io.doppel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code doppel volume promote|demote|status NAME [--admin URL]}: the operator's role commands for
 * a mirrored volume (ISSUE3 "Operations"), sent to the node behind {@code --admin}.
 */
@Command(
    name = "volume",
    description = "Mirrored volume roles: promote, demote, status.",
    mixinStandardHelpOptions = true,
    subcommands = {
      VolumeCommand.Promote.class,
      VolumeCommand.Demote.class,
      VolumeCommand.Status.class
    })
final class VolumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.CONFIG;
  }

  /** The options every volume subcommand takes. */
  abstract static class VolumeArgs {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The mirrored volume.")
    String name;

    @Option(
        names = "--admin",
        paramLabel = "URL",
        defaultValue = StatusCommand.DEFAULT_ADMIN,
        description = "The node's admin endpoint (default: ${DEFAULT-VALUE}).")
    String admin;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }
  }

  @Command(
      name = "promote",
      description = "Makes the node behind --admin the volume's primary in a new epoch.",
      mixinStandardHelpOptions = true)
  static final class Promote extends VolumeArgs implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      return AdminCommandClient.post(admin, "/volume/promote", Map.of("name", name), out(), err());
    }
  }

  @Command(
      name = "demote",
      description = "Stops serving the volume on the node behind --admin; it becomes a backup.",
      mixinStandardHelpOptions = true)
  static final class Demote extends VolumeArgs implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      return AdminCommandClient.post(admin, "/volume/demote", Map.of("name", name), out(), err());
    }
  }

  @Command(
      name = "status",
      description = "Role, epoch, replicas, dirty bytes and resync progress of a mirrored volume.",
      mixinStandardHelpOptions = true)
  static final class Status extends VolumeArgs implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
        names = "--sample-ms",
        defaultValue = "1000",
        description = "Time between the two samples that give the resync rate and ETA.")
    long sampleMs;

    @Override
    public Integer call() throws InterruptedException {
      try {
        JsonNode first = mirror(fetch());
        if (first == null) {
          err().println("doppel: no mirrored volume " + name + " on " + admin);
          err().flush();
          return ExitCodes.FAILED;
        }
        JsonNode second = first;
        if (resyncing(first)) {
          Thread.sleep(sampleMs);
          second = mirror(fetch());
        }
        out().print(VolumeStatusFormat.format(first, second, sampleMs));
        out().flush();
        return ExitCodes.OK;
      } catch (IOException | IllegalArgumentException e) {
        err().println("doppel: cannot get " + admin + "/status: " + CliMessages.describe(e));
        err().flush();
        return ExitCodes.FAILED;
      }
    }

    private static boolean resyncing(JsonNode m) {
      for (JsonNode r : m.path("replicas")) {
        if (r.path("resyncBytesTotal").asLong() > r.path("resyncBytesDone").asLong()) {
          return true;
        }
      }
      return false;
    }

    private JsonNode mirror(String body) throws IOException {
      for (JsonNode v : JSON.readTree(body).path("volumes")) {
        if (v.path("name").asText().equals(name) && v.path("mirror").isObject()) {
          return v.path("mirror");
        }
      }
      return null;
    }

    private String fetch() throws IOException, InterruptedException {
      URI uri = URI.create(admin.replaceAll("/+$", "") + "/status");
      Duration timeout = Duration.ofSeconds(10);
      try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IOException("HTTP " + r.statusCode());
        }
        return r.body();
      }
    }
  }
}
