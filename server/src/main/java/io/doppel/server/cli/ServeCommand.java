package io.doppel.server.cli;

import io.doppel.metrics.MetricRegistry;
import io.doppel.server.config.ConfigException;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.node.DoppelNode;
import io.doppel.server.node.NfsWiring;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code doppel serve}: runs a node until SIGTERM / Ctrl-C, then closes it in order. */
@Command(
    name = "serve",
    description = "Runs a node with the given configuration until it is stopped (SIGTERM, Ctrl-C).",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped normally",
      "1:start-up failed (port in use, store locked, ...)",
      "2:usage or configuration error"
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions configOptions;
  @Mixin OverrideOptions overrideOptions;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    DoppelConfig config;
    try {
      config = overrideOptions.overrides().apply(configOptions.load(NfsWiring.configLoader()));
    } catch (ConfigException e) {
      ConfigOptions.report(e, err);
      return ExitCodes.CONFIG;
    }
    DoppelNode node = DoppelNode.create(config, new MetricRegistry());
    Thread hook = new Thread(node::close, "doppel-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (!startOrReport(node, err)) {
      return ExitCodes.FAILED;
    }
    node.awaitStopped();
    return ExitCodes.OK;
  }

  /** Starts the node; on failure prints one line naming the node and the cause. */
  static boolean startOrReport(DoppelNode node, PrintWriter err) {
    try {
      node.start();
      return true;
    } catch (IOException | RuntimeException e) {
      err.println(
          "doppel: cannot start node "
              + node.config().node().name()
              + ": "
              + CliMessages.describe(e));
      err.flush();
      return false;
    }
  }
}
