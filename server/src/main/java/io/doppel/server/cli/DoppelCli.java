package io.doppel.server.cli;

import io.doppel.server.admin.Version;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code doppel} command: {@code serve}, {@code fsck}, {@code status}, {@code demo}, {@code
 * failover}, {@code maintenance}, {@code witness}. Errors are one line on stderr; exit codes are
 * listed in the help.
 */
@Command(
    name = "doppel",
    description = "Fault-tolerant NFSv3 storage server.",
    mixinStandardHelpOptions = true,
    versionProvider = DoppelCli.VersionProvider.class,
    subcommands = {
      ServeCommand.class,
      FsckCommand.class,
      StatusCommand.class,
      DemoCommand.class,
      FailoverCommand.class,
      MaintenanceCommand.class,
      WitnessCommand.class,
      EventsCommand.class,
      VolumeCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success; fsck: the export is clean",
      "1:failure at run time; fsck: problems found",
      "2:usage or configuration error",
      "3:fsck could not check (stop the node first, or no store yet)"
    })
public final class DoppelCli implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The process entry point. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (without exiting). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured picocli command line (tests inspect parsing through it). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DoppelCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("doppel: error: " + CliMessages.describe(e));
          err.flush();
          return ExitCodes.FAILED;
        });
    return cli;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.CONFIG;
  }

  /** {@code --version}. */
  static final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"doppel " + Version.current()};
    }
  }
}
