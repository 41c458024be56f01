package io.doppel.nfs;

import io.doppel.metrics.MetricRegistry;
import io.doppel.nfs.drc.DrcLimits;
import io.doppel.nfs.drc.DuplicateRequestCache;
import io.doppel.nfs.export.ExportTable;
import io.doppel.nfs.handle.FileHandleCodec;
import io.doppel.nfs.mount.MountProgram;
import io.doppel.nfs.mount.MountTable;
import io.doppel.nfs.proc.NfsProgram;
import io.doppel.nfs.proc.NfsServices;
import io.doppel.rpc.RpcProgram;
import java.time.InstantSource;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NFS front end of one server instance: MOUNT v3 (100005) and NFS v3 (100003) over the given
 * exports (RFC 1813), with one duplicate request cache and one write verifier.
 *
 * <p>The write verifier (RFC 1813 §3.3.7) is 8 bytes drawn from {@code random} when the service is
 * constructed: one per server instance, shared by all exports (per-export verifiers make clients
 * resend everything), and new at every restart, so clients resend any UNSTABLE data the previous
 * instance acknowledged but may have lost.
 */
public final class NfsService {
  private static final Logger LOG = LoggerFactory.getLogger(NfsService.class);

  private final ExportTable exports;
  private final NfsStats stats;
  private final DuplicateRequestCache drc;
  private final long writeVerifier;
  private final List<RpcProgram> programs;

  public NfsService(
      List<NfsExport> exports,
      byte[] handleKey,
      MetricRegistry metrics,
      InstantSource clock,
      RandomGenerator random) {
    this(exports, handleKey, metrics, clock, random, DrcLimits.defaults());
  }

  /** As above with explicit DRC bounds. */
  public NfsService(
      List<NfsExport> exports,
      byte[] handleKey,
      MetricRegistry metrics,
      InstantSource clock,
      RandomGenerator random,
      DrcLimits drcLimits) {
    this.exports = new ExportTable(exports);
    FileHandleCodec handles =
        new FileHandleCodec(
            handleKey, exports.stream().map(NfsExport::exportId).collect(Collectors.toSet()));
    this.stats = new NfsStats(metrics);
    this.drc = new DuplicateRequestCache(drcLimits, clock, metrics);
    this.writeVerifier = random.nextLong();
    NfsServices services = new NfsServices(this.exports, handles, stats, writeVerifier);
    this.programs =
        List.of(
            new MountProgram(this.exports, handles, new MountTable(), stats),
            new NfsProgram(services, drc));
    LOG.info(
        "event=nfs_service_created exports={} write_verifier={}",
        exports.size(),
        Long.toHexString(writeVerifier));
  }

  /** MOUNT v3 (100005) and NFS v3 (100003), to be served by one RpcServer. */
  public List<RpcProgram> programs() {
    return programs;
  }

  public NfsStats stats() {
    return stats;
  }

  public DuplicateRequestCache duplicateRequestCache() {
    return drc;
  }

  /** This instance's WRITE/COMMIT verifier. */
  public long writeVerifier() {
    return writeVerifier;
  }
}
