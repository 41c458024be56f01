package io.doppel.nfs;

import io.doppel.fs.ExportStore;
import java.util.List;
import java.util.Objects;

/**
 * One exported filesystem as NFS clients see it: the path they mount, the stable id that is part of
 * every file handle, its store and the ordered client rules (first match wins).
 */
public record NfsExport(String path, int exportId, ExportStore store, List<ClientRule> clients) {
  public NfsExport {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(store, "store");
    clients = List.copyOf(clients);
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("export path must be absolute: " + path);
    }
    if (exportId <= 0) {
      throw new IllegalArgumentException("export id must be positive: " + exportId);
    }
  }
}
