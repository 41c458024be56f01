package io.doppel.rpc;

import io.doppel.metrics.Counter;
import io.doppel.metrics.Histogram;
import io.doppel.metrics.MetricRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Metrics of one {@link RpcServer}. Every instrument carries the label {@code server}: the served
 * program numbers joined by '+', e.g. {@code "100003+100005"}.
 *
 * <ul>
 *   <li>{@code doppel_rpc_calls_total{program,version}} — calls dispatched to a known program
 *   <li>{@code doppel_rpc_replies_total{status}} — replies by status (success, prog_unavail,
 *       prog_mismatch, proc_unavail, garbage_args, system_err, rpc_mismatch, auth_error) and {@code
 *       dropped} for calls a program chose not to answer
 *   <li>{@code doppel_rpc_garbage_total{reason}} — records dropped unanswered (short,
 *       reply_message, bad_message_type)
 *   <li>{@code doppel_rpc_oversize_records_total} — TCP records over maxRecordBytes (connection
 *       closed) and over-long UDP datagrams
 *   <li>{@code doppel_rpc_dropped_queue_full_total} — calls dropped because the worker queue was
 *       full
 *   <li>{@code doppel_rpc_auth_errors_total} — calls denied with AUTH_ERROR by the RPC layer
 *   <li>{@code doppel_rpc_handler_failures_total} — handler exceptions answered SYSTEM_ERR
 *   <li>{@code doppel_rpc_connections} — open TCP connections
 *   <li>{@code doppel_rpc_call_seconds} — time from a decoded call to its reply being written
 * </ul>
 */
final class RpcStats {
  private static final String[] STATUSES = {
    "success",
    "prog_unavail",
    "prog_mismatch",
    "proc_unavail",
    "garbage_args",
    "system_err",
    "rpc_mismatch",
    "auth_error",
    "dropped"
  };

  private final Map<Long, Counter> calls = new HashMap<>();
  private final Map<String, Counter> replies = new HashMap<>();
  private final Map<ParsedCall.IgnoreReason, Counter> garbage =
      new EnumMap<>(ParsedCall.IgnoreReason.class);
  final Counter oversizeRecords;
  final Counter droppedQueueFull;
  final Counter authErrors;
  final Counter handlerFailures;
  final AtomicInteger connections = new AtomicInteger();
  final Histogram callSeconds;

  RpcStats(MetricRegistry metrics, List<RpcProgram> programs) {
    String server = serverLabel(programs);
    Map<String, String> base = Map.of("server", server);
    for (RpcProgram p : programs) {
      for (int v = p.lowestVersion(); v <= p.highestVersion(); v++) {
        Map<String, String> labels =
            Map.of("server", server, "program", Integer.toString(p.program()), "version", "" + v);
        calls.put(
            key(p.program(), v),
            metrics.counter("doppel_rpc_calls_total", "RPC calls dispatched", labels));
      }
    }
    for (String s : STATUSES) {
      replies.put(
          s,
          metrics.counter(
              "doppel_rpc_replies_total",
              "RPC replies by status",
              Map.of("server", server, "status", s)));
    }
    for (ParsedCall.IgnoreReason r : ParsedCall.IgnoreReason.values()) {
      garbage.put(
          r,
          metrics.counter(
              "doppel_rpc_garbage_total",
              "Records dropped unanswered",
              Map.of("server", server, "reason", r.label())));
    }
    oversizeRecords =
        metrics.counter("doppel_rpc_oversize_records_total", "Records over the size cap", base);
    droppedQueueFull =
        metrics.counter(
            "doppel_rpc_dropped_queue_full_total", "Calls dropped: worker queue full", base);
    authErrors =
        metrics.counter("doppel_rpc_auth_errors_total", "Calls denied with AUTH_ERROR", base);
    handlerFailures =
        metrics.counter(
            "doppel_rpc_handler_failures_total", "Handler failures answered SYSTEM_ERR", base);
    metrics.gauge("doppel_rpc_connections", "Open TCP connections", base, connections::get);
    callSeconds =
        metrics.histogram(
            "doppel_rpc_call_seconds",
            "Call latency to reply",
            base,
            0.0001,
            0.0005,
            0.001,
            0.005,
            0.01,
            0.05,
            0.1,
            0.5,
            1,
            5);
  }

  private static String serverLabel(List<RpcProgram> programs) {
    StringBuilder sb = new StringBuilder();
    for (RpcProgram p : programs) {
      sb.append(sb.isEmpty() ? "" : "+").append(p.program());
    }
    return sb.isEmpty() ? "none" : sb.toString();
  }

  private static long key(int program, int version) {
    return ((long) program << 32) | (version & 0xffff_ffffL);
  }

  void call(int program, int version) {
    Counter c = calls.get(key(program, version));
    if (c != null) {
      c.increment();
    }
  }

  void reply(ReplyHeader header) {
    replies.get(ReplyWriter.statusName(header)).increment();
  }

  void replyDropped() {
    replies.get("dropped").increment();
  }

  void ignored(ParsedCall.IgnoreReason reason) {
    garbage.get(reason).increment();
  }

  long replies(String status) {
    return replies.get(status).get();
  }

  long ignoredCount(ParsedCall.IgnoreReason reason) {
    return garbage.get(reason).get();
  }
}
