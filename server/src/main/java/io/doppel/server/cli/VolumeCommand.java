package io.doppel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
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
    description = "Block volumes: list, show, create, status, verify; promote, demote, resync.",
    mixinStandardHelpOptions = true,
    subcommands = {
      VolumeCommand.Promote.class,
      VolumeCommand.Demote.class,
      VolumeCommand.Resync.class,
      VolumeCommand.Status.class,
      VolumeListCommand.List.class,
      VolumeListCommand.Show.class,
      VolumeCreateCommand.class,
      VolumeVerifyCommand.class
    })
final class VolumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.CONFIG;
  }

  /** The options every volume subcommand takes: the admin endpoint and the volume's name. */
  abstract static class VolumeArgs extends VolumeListCommand.AdminArgs {
    @Parameters(index = "0", paramLabel = "NAME", description = "The mirrored volume.")
    String name;

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
      name = "resync",
      description =
          "After a split brain: the node behind --admin (the volume's primary) survives; the"
              + " diverged replica on --discard NODE is overwritten by a full copy.",
      mixinStandardHelpOptions = true)
  static final class Resync extends VolumeArgs implements Callable<Integer> {
    @Option(
        names = "--discard",
        required = true,
        paramLabel = "NODE",
        description = "The node whose diverged changes are thrown away.")
    String discard;

    @Override
    public Integer call() throws InterruptedException {
      return AdminCommandClient.post(
          admin, "/volume/resync", Map.of("name", name, "discard", discard), out(), err());
    }
  }

  @Command(
      name = "status",
      description = "Role, epoch, replicas, dirty bytes and resync progress of a mirrored volume.",
      mixinStandardHelpOptions = true)
  static final class Status extends VolumeArgs implements Callable<Integer> {
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

    private JsonNode mirror(JsonNode status) {
      JsonNode v = VolumeAdminClient.volume(status, name);
      return v == null || !v.path("mirror").isObject() ? null : v.path("mirror");
    }

    private JsonNode fetch() throws IOException, InterruptedException {
      VolumeAdminClient.Answer a = VolumeAdminClient.get(admin, "/status");
      if (a.status() != 200) {
        throw new IOException("HTTP " + a.status());
      }
      return a.body();
    }
  }
}
