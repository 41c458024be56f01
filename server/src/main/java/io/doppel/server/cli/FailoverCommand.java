package io.doppel.server.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code doppel failover RESOURCE [--to NODE]}: asks the primary to hand a resource over. */
@Command(
    name = "failover",
    description =
        "Moves a resource's primary role away from the node behind --admin (it must be the primary).",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the role was released", "1:not the primary, unknown resource, unreachable"})
final class FailoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RESOURCE", description = "e.g. vs1 or virtual_server:vs1")
  String resource;

  @Option(names = "--to", paramLabel = "NODE", description = "The node that should take over.")
  String to;

  @Option(
      names = "--admin",
      paramLabel = "URL",
      defaultValue = StatusCommand.DEFAULT_ADMIN,
      description = "The primary's admin endpoint (default: ${DEFAULT-VALUE}).")
  String admin;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("resource", resource);
    if (to != null) {
      q.put("to", to);
    }
    return AdminCommandClient.post(
        admin, "/failover", q, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
