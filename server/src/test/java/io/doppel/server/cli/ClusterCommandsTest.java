package io.doppel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.AdminActions;
import io.doppel.server.admin.AdminServer;
import io.doppel.server.admin.ClusterStatus;
import io.doppel.server.admin.StatusReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code doppel failover}, {@code doppel maintenance} and the cluster part of {@code status}. */
class ClusterCommandsTest {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  AdminServer admin;
  String url;

  static final ClusterStatus CLUSTER =
      new ClusterStatus(
          "a",
          false,
          false,
          List.of(
              new ClusterStatus.PeerStatus("b", "ALIVE", Map.of("client", "UP", "repl", "SILENT"))),
          List.of(
              new ClusterStatus.ResourceStatus(
                  "virtual_server:vs1",
                  "PRIMARY",
                  7,
                  "a",
                  1234,
                  "10.99.0.10/24",
                  true,
                  true,
                  List.of("b"))));

  @BeforeEach
  void start() throws Exception {
    AdminActions actions =
        new AdminActions() {
          @Override
          public Result failover(String resource, Optional<String> to) {
            calls.add("failover " + resource + " " + to.orElse("-"));
            return resource.equals("vs1")
                ? new Result(200, "released " + resource)
                : new Result(409, "not the primary of " + resource);
          }

          @Override
          public Result maintenance(boolean on) {
            calls.add("maintenance " + on);
            return new Result(200, "maintenance " + on);
          }
        };
    StatusReport report =
        new StatusReport("a", "v", "RUNNING", 1, 2049, 9180, -1, List.of(), List.of(), CLUSTER);
    admin =
        AdminServer.start(
            new InetSocketAddress("127.0.0.1", 0), new MetricRegistry(), () -> report, actions);
    url = "http://127.0.0.1:" + admin.port();
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private int run(String... args) {
    CommandLine cli = DoppelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void failoverPostsToTheAdminEndpoint() {
    assertThat(run("failover", "vs1", "--to", "b", "--admin", url)).isZero();
    assertThat(out.toString()).contains("released vs1");
    assertThat(run("failover", "vs2", "--admin", url)).isEqualTo(1);
    assertThat(err.toString()).contains("not the primary of vs2");
    assertThat(calls).containsExactly("failover vs1 b", "failover vs2 -");
  }

  @Test
  void maintenanceOnAndOff() {
    assertThat(run("maintenance", "on", "--admin", url)).isZero();
    assertThat(run("maintenance", "off", "--admin", url)).isZero();
    assertThat(run("maintenance", "maybe", "--admin", url)).isEqualTo(2);
    assertThat(calls).containsExactly("maintenance true", "maintenance false");
  }

  @Test
  void statusShowsTheCluster() {
    assertThat(run("status", "--admin", url)).isZero();
    assertThat(out.toString())
        .contains("cluster: member a")
        .contains("node b")
        .contains("ALIVE")
        .contains("client=UP repl=SILENT")
        .contains("virtual_server:vs1")
        .contains("PRIMARY")
        .contains("epoch 7")
        .contains("1234 ms")
        .contains("10.99.0.10/24 (here)")
        .contains("WAIT-FOR-RECOVERY")
        .contains("out-of-date: b");
    out.getBuffer().setLength(0);
    assertThat(run("status", "--json", "--admin", url)).isZero();
    assertThat(out.toString())
        .contains("\"leaseRemainingMs\" : 1234")
        .contains("\"waitForRecovery\" : true")
        .containsPattern("\"outOfDate\" : \\[ \"b\" \\]");
  }

  @Test
  void statusOmitsRecoveryFlagsWhenClear() {
    ClusterStatus.ResourceStatus clear =
        new ClusterStatus.ResourceStatus(
            "virtual_server:vs1", "FOLLOWER", 7, "b", 0, "", false, false, List.of());
    String text =
        StatusCommand.formatCluster(
            new ClusterStatus("a", false, false, List.of(), List.of(clear)));
    assertThat(text)
        .contains("FOLLOWER")
        .doesNotContain("WAIT-FOR-RECOVERY")
        .doesNotContain("out-of-date");
  }
}
