package io.doppel.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code [[exports]]} table.
 *
 * @param path what clients mount, absolute and normalised (e.g. "/data")
 * @param id 1..2147483647, stable forever: it is part of every file handle
 * @param directory where the export's store lives (default {@code data_dir/exports/<id>})
 * @param clients the rules, first match wins; at least one
 */
public record ExportConfig(String path, int id, Path directory, List<ClientRuleConfig> clients) {
  public ExportConfig {
    clients = List.copyOf(clients);
  }
}
