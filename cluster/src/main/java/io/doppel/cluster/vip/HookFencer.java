package io.doppel.cluster.vip;

import io.doppel.cluster.NodeId;
import io.doppel.cluster.lease.Fencer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured fencing hook ({@code [cluster] fencing_hook}): runs {@code script NODE} (also in
 * {@code DOPPEL_FENCE_NODE}) off the agent thread; exit 0 within the timeout means "that node is
 * powered off". Anything else (non-zero, timeout, cannot start) is a failed fence, so the policy
 * that needs it does not promote.
 */
public final class HookFencer implements Fencer {
  private static final Logger LOG = LoggerFactory.getLogger(HookFencer.class);
  private final Path script;
  private final CommandRunner runner;
  private final Duration timeout;
  private final Executor executor;

  public HookFencer(Path script, CommandRunner runner, Duration timeout, Executor executor) {
    this.script = script;
    this.runner = runner;
    this.timeout = timeout;
    this.executor = executor;
  }

  @Override
  public CompletableFuture<Boolean> fence(NodeId node) {
    return CompletableFuture.supplyAsync(
        () -> {
          CommandRunner.Result r =
              runner.run(
                  List.of(script.toString(), node.name()),
                  Map.of("DOPPEL_FENCE_NODE", node.name()),
                  timeout);
          LOG.info(
              "event=fencing_hook node={} exit={} timed_out={} ok={} output=\"{}\"",
              node,
              r.exitCode(),
              r.timedOut(),
              r.ok(),
              r.output());
          return r.ok();
        },
        executor);
  }
}
