package io.doppel.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code doppel maintenance on|off}: the node hands its roles over and refuses new ones. */
@Command(
    name = "maintenance",
    description = "Maintenance mode of the node behind --admin: on hands every role over.",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the node refused or is unreachable", "2:usage error"})
final class MaintenanceCommand implements Callable<Integer> {
  /** The two modes. */
  enum Mode {
    ON,
    OFF
  }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "on|off", description = "on or off")
  Mode mode;

  @Option(
      names = "--admin",
      paramLabel = "URL",
      defaultValue = StatusCommand.DEFAULT_ADMIN,
      description = "The node's admin endpoint (default: ${DEFAULT-VALUE}).")
  String admin;

  @Override
  public Integer call() throws InterruptedException {
    return AdminCommandClient.post(
        admin,
        "/maintenance",
        Map.of("on", Boolean.toString(mode == Mode.ON)),
        spec.commandLine().getOut(),
        spec.commandLine().getErr());
  }
}
