package io.doppel.fs.store;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Metrics of one export's store, labelled {@code export} and {@code component="fs"}:
 *
 * <ul>
 *   <li>{@code doppel_fs_mutations_total{kind}}: mutations applied, by kind
 *   <li>{@code doppel_fs_fsyncs_total{target}}: fsyncs of data files ({@code data}) and of the
 *       RocksDB WAL ({@code wal}); one WAL sync may cover many requests (group commit)
 *   <li>{@code doppel_fs_errors_total{kind}}: I/O errors ({@code io}) and refused operations
 *       ({@code refused}, an FsException returned to the client)
 *   <li>{@code doppel_fs_mutation_log_bytes}, {@code doppel_fs_mutation_log_records}: log size
 *   <li>{@code doppel_fs_last_applied_sequence}: replication position
 * </ul>
 */
public final class StoreStats {
  private static final List<String> KINDS =
      List.of(
          "create_root",
          "create",
          "mkdir",
          "symlink",
          "mknod",
          "setattr",
          "write",
          "remove",
          "rmdir",
          "rename",
          "link");

  private final Map<String, Counter> mutations = new HashMap<>();
  final Counter dataSyncs;
  final Counter walSyncs;
  final Counter ioErrors;
  final Counter refused;

  StoreStats(
      MetricRegistry registry,
      int exportId,
      LongSupplier logBytes,
      LongSupplier logRecords,
      LongSupplier lastSeq) {
    String export = Integer.toString(exportId);
    for (String kind : KINDS) {
      mutations.put(
          kind,
          registry.counter(
              "doppel_fs_mutations_total",
              "Mutations applied to the export, by kind",
              labels(export, "kind", kind)));
    }
    dataSyncs =
        registry.counter("doppel_fs_fsyncs_total", "Fsyncs", labels(export, "target", "data"));
    walSyncs =
        registry.counter("doppel_fs_fsyncs_total", "Fsyncs", labels(export, "target", "wal"));
    ioErrors = registry.counter("doppel_fs_errors_total", "Errors", labels(export, "kind", "io"));
    refused =
        registry.counter("doppel_fs_errors_total", "Errors", labels(export, "kind", "refused"));
    Map<String, String> l = labels(exportId);
    registry.gauge(
        "doppel_fs_mutation_log_bytes", "Bytes in the mutation log", l, logBytes::getAsLong);
    registry.gauge(
        "doppel_fs_mutation_log_records", "Records in the mutation log", l, logRecords::getAsLong);
    registry.gauge(
        "doppel_fs_last_applied_sequence",
        "Sequence of the last applied mutation",
        l,
        lastSeq::getAsLong);
  }

  private static Map<String, String> labels(String export, String key, String value) {
    return Map.of("export", export, "component", "fs", key, value);
  }

  /** The labels every metric of this export's store carries (to unregister them at close). */
  static Map<String, String> labels(int exportId) {
    return Map.of("export", Integer.toString(exportId), "component", "fs");
  }

  void mutation(String kind) {
    Counter c = mutations.get(kind);
    if (c != null) {
      c.increment();
    }
  }

  public long mutations(String kind) {
    Counter c = mutations.get(kind);
    return c == null ? 0 : c.get();
  }
}
