package io.doppel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code doppel volume list} and {@code doppel volume show NAME} (ISSUE3 "Operations"): the node's
 * block volumes as its {@code /status} reports them.
 */
final class VolumeListCommand {
  private VolumeListCommand() {}

  /** The admin option every volume command takes (and the output they write to). */
  abstract static class AdminArgs {
    @Spec CommandSpec spec;

    @Option(
        names = "--admin",
        paramLabel = "URL",
        defaultValue = StatusCommand.DEFAULT_ADMIN,
        description = "The node's admin endpoint (default: ${DEFAULT-VALUE}).")
    String admin;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** The node's {@code /status}, or null after printing why it could not be had. */
    JsonNode status() throws InterruptedException {
      try {
        VolumeAdminClient.Answer a = VolumeAdminClient.get(admin, "/status");
        if (a.status() != 200) {
          throw new IOException("HTTP " + a.status());
        }
        return a.body();
      } catch (IOException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("doppel: cannot get " + admin + "/status: " + CliMessages.describe(e));
        err.flush();
        return null;
      }
    }
  }

  @Command(
      name = "list",
      description = "The node's volumes: size, mirrored or not, this node's role, state.",
      mixinStandardHelpOptions = true)
  static final class List extends AdminArgs implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      JsonNode status = status();
      if (status == null) {
        return ExitCodes.FAILED;
      }
      out().print(VolumeStatusFormat.list(status));
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      description = "One volume's configuration and mirror status (epoch, seq, replicas, dirty).",
      mixinStandardHelpOptions = true)
  static final class Show extends AdminArgs implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The volume.")
    String name;

    @Override
    public Integer call() throws InterruptedException {
      JsonNode status = status();
      if (status == null) {
        return ExitCodes.FAILED;
      }
      JsonNode v = VolumeAdminClient.volume(status, name);
      if (v == null) {
        spec.commandLine().getErr().println("doppel: no volume " + name + " on " + admin);
        spec.commandLine().getErr().flush();
        return ExitCodes.FAILED;
      }
      out().print(VolumeStatusFormat.show(v));
      out().flush();
      return ExitCodes.OK;
    }
  }
}
