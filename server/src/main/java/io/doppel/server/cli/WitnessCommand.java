package io.doppel.server.cli;

import io.doppel.cluster.NodeId;
import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.AdminServer;
import io.doppel.server.admin.StatusReport;
import io.doppel.server.admin.Version;
import io.doppel.server.config.ClusterConfig;
import io.doppel.server.config.ConfigException;
import io.doppel.server.config.DoppelConfig;
import io.doppel.server.node.ClusterWiring;
import io.doppel.server.node.NfsWiring;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code doppel witness --config FILE}: runs only the cluster witness named by {@code node.name}
 * (heartbeats and lease votes, no storage) and the admin endpoint, until SIGTERM.
 */
@Command(
    name = "witness",
    description = "Runs the cluster's witness (a voter for a third machine) until stopped.",
    mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally", "1:start-up failed", "2:configuration error"})
final class WitnessCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(WitnessCommand.class);

  @Spec CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    DoppelConfig config;
    try {
      config = configOptions.load(NfsWiring.configLoader());
    } catch (ConfigException e) {
      ConfigOptions.report(e, err);
      return ExitCodes.CONFIG;
    }
    String name = config.node().name();
    if (config.cluster().isEmpty()
        || !config.cluster().get().definition().isWitness(new NodeId(name))) {
      err.println(
          "doppel witness: node.name " + name + " is not [cluster.witness] in " + config.source());
      err.flush();
      return ExitCodes.CONFIG;
    }
    return run(config, config.cluster().get(), err);
  }

  private static int run(DoppelConfig config, ClusterConfig cc, PrintWriter err)
      throws InterruptedException {
    MetricRegistry metrics = new MetricRegistry();
    CountDownLatch stopped = new CountDownLatch(1);
    long started = System.nanoTime();
    try (ClusterWiring cluster =
            ClusterWiring.start(config.node().name(), cc, metrics, new SecureRandom());
        AdminServer admin = adminOrNull(config, metrics, cluster, started)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(stopped::countDown, "doppel-witness-shutdown"));
      LOG.info(
          "event=listening witness={} admin_port={}",
          config.node().name(),
          admin == null ? -1 : admin.port());
      stopped.await();
      return ExitCodes.OK;
    } catch (IOException | RuntimeException e) {
      err.println(
          "doppel: cannot start witness " + config.node().name() + ": " + CliMessages.describe(e));
      err.flush();
      return ExitCodes.FAILED;
    }
  }

  private static AdminServer adminOrNull(
      DoppelConfig config, MetricRegistry metrics, ClusterWiring cluster, long started)
      throws IOException {
    if (!config.admin().enabled()) {
      return null;
    }
    InetSocketAddress at = new InetSocketAddress(config.admin().bind(), config.admin().port());
    return AdminServer.start(
        at,
        metrics,
        () ->
            new StatusReport(
                config.node().name(),
                Version.current(),
                "RUNNING",
                (System.nanoTime() - started) / 1_000_000_000L,
                -1,
                config.admin().port(),
                -1,
                List.of(),
                List.of(),
                cluster.status()));
  }
}
