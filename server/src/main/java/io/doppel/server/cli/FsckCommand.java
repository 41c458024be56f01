package io.doppel.server.cli;

import io.doppel.fs.fsck.Fsck;
import io.doppel.fs.fsck.FsckReport;
import io.doppel.server.config.ConfigException;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.config.ExportConfig;
import io.doppel.server.node.NfsWiring;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code doppel fsck}: checks (and optionally repairs) one export's store while the node is down.
 */
@Command(
    name = "fsck",
    description = "Checks an export's store offline (the node must be stopped).",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the export is clean",
      "1:problems found",
      "2:usage or configuration error",
      "3:could not check (the node is running: stop it first; or no store yet)"
    })
final class FsckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(
      names = "--export",
      required = true,
      paramLabel = "PATH",
      description = "The export's path as clients mount it, e.g. /data.")
  String export;

  @Option(names = "--repair", description = "Repair what can be repaired.")
  boolean repair;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DoppelConfig config;
    try {
      config = configOptions.load(NfsWiring.configLoader());
    } catch (ConfigException e) {
      ConfigOptions.report(e, err);
      return ExitCodes.CONFIG;
    }
    Optional<ExportConfig> target = config.export(export);
    if (target.isEmpty()) {
      String known =
          config.exports().stream().map(ExportConfig::path).collect(Collectors.joining(", "));
      err.println(
          config.source() + ": no export with path \"" + export + "\" (configured: " + known + ")");
      err.flush();
      return ExitCodes.CONFIG;
    }
    return check(target.get(), out, err);
  }

  private int check(ExportConfig e, PrintWriter out, PrintWriter err) {
    if (!Files.isDirectory(e.directory())) {
      err.println("doppel fsck: export " + e.path() + ": no store at " + e.directory());
      err.flush();
      return ExitCodes.NOT_CHECKED;
    }
    FsckReport report;
    try {
      report = Fsck.run(e.directory(), repair);
    } catch (IOException | RuntimeException ex) {
      String why =
          isLockHeld(ex)
              ? "its store is in use by a running node: stop the node first"
              : CliMessages.describe(ex);
      err.println("doppel fsck: export " + e.path() + " (" + e.directory() + "): " + why);
      err.flush();
      return ExitCodes.NOT_CHECKED;
    }
    print(e, report, out);
    return report.clean() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private void print(ExportConfig e, FsckReport report, PrintWriter out) {
    out.printf(
        "fsck %s (id %d, %s): %d inodes, %d entries checked%n",
        e.path(), e.id(), e.directory(), report.inodesChecked(), report.entriesChecked());
    for (String problem : report.problems()) {
      out.println("  problem: " + problem);
    }
    if (repair) {
      out.println("repaired: " + report.repaired());
    }
    out.println(report.clean() ? "clean" : report.problems().size() + " problem(s) found");
    out.flush();
  }

  /** RocksDB says "lock hold by current process" or "While lock file: .../LOCK: ...". */
  static boolean isLockHeld(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && m.toLowerCase(Locale.ROOT).contains("lock")) {
        return true;
      }
    }
    return false;
  }
}
