package io.doppel.server.cli;

import io.doppel.cluster.events.EventSubscriber;
import io.doppel.server.config.ClusterConfig;
import io.doppel.server.config.ConfigException;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.node.NfsWiring;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code doppel events}: subscribes to a running node's event socket and prints every event as a
 * JSON line (seed 003's registered application, for scripts and people).
 */
@Command(
    name = "events",
    description = "Prints a running node's events as JSON lines until interrupted.",
    mixinStandardHelpOptions = true)
final class EventsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      description = "The node's events socket (default: from --config, [cluster.events] socket).")
  Path socket;

  @Option(names = "--config", paramLabel = "FILE", description = "The node's configuration file.")
  Path config;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events (0 = never).")
  long count;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Path> path = Optional.ofNullable(socket);
    if (path.isEmpty() && config != null) {
      try {
        DoppelConfig c = NfsWiring.configLoader().load(config);
        path = c.cluster().map(ClusterConfig::events).flatMap(e -> e.socket());
      } catch (ConfigException e) {
        ConfigOptions.report(e, err);
        return ExitCodes.CONFIG;
      }
    }
    if (path.isEmpty()) {
      err.println("doppel events: give --socket PATH, or --config FILE of a node with [cluster]");
      err.flush();
      return ExitCodes.CONFIG;
    }
    try (EventSubscriber sub = EventSubscriber.connect(path.get())) {
      long seen = 0;
      for (String line = sub.nextLine(); line != null; line = sub.nextLine()) {
        out.println(line);
        out.flush();
        if (count > 0 && ++seen >= count) {
          break;
        }
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("doppel events: cannot read " + path.get() + ": " + e.getMessage());
      err.flush();
      return ExitCodes.FAILED;
    }
  }
}
