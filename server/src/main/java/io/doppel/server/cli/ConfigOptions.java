package io.doppel.server.cli;

import io.doppel.server.config.ConfigException;
import io.doppel.server.config.ConfigLoader;
import io.doppel.server.config.DoppelConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by the commands that read a node's config. */
final class ConfigOptions {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The node's config file (.toml, .yaml or .yml).")
  Path file;

  /** The validated config with overrides applied. */
  DoppelConfig load(ConfigLoader loader) throws ConfigException {
    return loader.load(file);
  }

  /** Prints every config error, one per line, and the summary. */
  static void report(ConfigException e, PrintWriter err) {
    for (String line : e.errors()) {
      err.println(line);
    }
    err.println("doppel: configuration invalid (" + e.errors().size() + " error(s))");
    err.flush();
  }
}
