package io.doppel.nfs;

import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NFS and MOUNT metrics. Names: {@code doppel_nfs_calls_total{procedure,status}} (status is the
 * nfsstat3 name, e.g. NFS3_OK, NFS3ERR_NOENT), {@code doppel_mount_calls_total{procedure,status}},
 * {@code doppel_nfs_read_bytes_total}, {@code doppel_nfs_write_bytes_total}, {@code
 * doppel_nfs_garbage_args_total} (undecodable arguments) and {@code doppel_nfs_server_faults_total}
 * (unexpected exceptions answered with NFS3ERR_SERVERFAULT). Per-status counters are registered on
 * first use.
 */
public final class NfsStats {
  private final MetricRegistry metrics;
  private final Map<String, Counter> calls = new ConcurrentHashMap<>();
  private final Counter readBytes;
  private final Counter writeBytes;
  private final Counter garbageArgs;
  private final Counter serverFaults;

  public NfsStats(MetricRegistry metrics) {
    this.metrics = metrics;
    readBytes = metrics.counter("doppel_nfs_read_bytes_total", "File bytes returned by READ");
    writeBytes = metrics.counter("doppel_nfs_write_bytes_total", "File bytes written by WRITE");
    garbageArgs =
        metrics.counter("doppel_nfs_garbage_args_total", "Calls whose arguments did not decode");
    serverFaults =
        metrics.counter("doppel_nfs_server_faults_total", "Unexpected failures (SERVERFAULT)");
  }

  /** Counts one NFS call by procedure and nfsstat3 name. */
  public void call(String procedure, String status) {
    counter("doppel_nfs_calls_total", "NFSv3 calls by procedure and status", procedure, status)
        .increment();
  }

  /** Counts one MOUNT call by procedure and mountstat3 name. */
  public void mountCall(String procedure, String status) {
    counter("doppel_mount_calls_total", "MOUNT v3 calls by procedure and status", procedure, status)
        .increment();
  }

  private Counter counter(String name, String help, String procedure, String status) {
    return calls.computeIfAbsent(
        name + '\0' + procedure + '\0' + status,
        k -> metrics.counter(name, help, Map.of("procedure", procedure, "status", status)));
  }

  public long calls(String procedure, String status) {
    Counter c = calls.get("doppel_nfs_calls_total\0" + procedure + '\0' + status);
    return c == null ? 0 : c.get();
  }

  public void bytesRead(long n) {
    readBytes.add(n);
  }

  public void bytesWritten(long n) {
    writeBytes.add(n);
  }

  public void garbageArgs() {
    garbageArgs.increment();
  }

  public void serverFault() {
    serverFaults.increment();
  }

  public long readBytes() {
    return readBytes.get();
  }

  public long writeBytes() {
    return writeBytes.get();
  }

  public long garbageArgsCount() {
    return garbageArgs.get();
  }

  public long serverFaults() {
    return serverFaults.get();
  }
}
