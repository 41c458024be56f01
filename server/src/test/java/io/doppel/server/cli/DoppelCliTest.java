package io.doppel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.AdminServer;
import io.doppel.server.admin.StatusReport;
import io.doppel.server.config.PortmapSetting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class DoppelCliTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = DoppelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static <T> T parse(Class<T> type, String... args) {
    ParseResult result = DoppelCli.commandLine().parseArgs(args);
    return type.cast(result.subcommand().commandSpec().userObject());
  }

  @Test
  void parsesServeWithOverrides() {
    ServeCommand serve =
        parse(
            ServeCommand.class,
            "serve",
            "--config",
            "a.toml",
            "--nfs-port",
            "0",
            "--admin-port",
            "-1",
            "--portmap",
            "off");
    assertThat(serve.configOptions.file).isEqualTo(Path.of("a.toml"));
    assertThat(serve.overrideOptions.nfsPort).isZero();
    assertThat(serve.overrideOptions.adminPort).isEqualTo(-1);
    assertThat(serve.overrideOptions.portmap).isEqualTo(PortmapSetting.OFF);
    ServeCommand plain = parse(ServeCommand.class, "serve", "--config", "b.yaml");
    assertThat(plain.overrideOptions.overrides().nfsPort()).isEmpty();
  }

  @Test
  void parsesFsck() {
    FsckCommand fsck =
        parse(FsckCommand.class, "fsck", "--config", "a.toml", "--export", "/data", "--repair");
    assertThat(fsck.configOptions.file).isEqualTo(Path.of("a.toml"));
    assertThat(fsck.export).isEqualTo("/data");
    assertThat(fsck.repair).isTrue();
    assertThat(parse(FsckCommand.class, "fsck", "--config", "a", "--export", "/x").repair)
        .isFalse();
  }

  @Test
  void parsesStatusAndDemoWithDefaults() {
    StatusCommand status = parse(StatusCommand.class, "status");
    assertThat(status.admin).isEqualTo("http://127.0.0.1:9180");
    assertThat(status.json).isFalse();
    StatusCommand json = parse(StatusCommand.class, "status", "--admin", "http://h:1", "--json");
    assertThat(json.admin).isEqualTo("http://h:1");
    assertThat(json.json).isTrue();
    DemoCommand demo = parse(DemoCommand.class, "demo");
    assertThat(demo.dir).isNull();
    assertThat(demo.port).isEqualTo(2049);
    DemoCommand custom = parse(DemoCommand.class, "demo", "--dir", "/tmp/x", "--port", "0");
    assertThat(custom.dir).isEqualTo(Path.of("/tmp/x"));
    assertThat(custom.port).isZero();
    assertThat(demo.nbdPort).isEqualTo(10809);
    assertThat(parse(DemoCommand.class, "demo", "--nbd-port", "0").nbdPort).isZero();
  }

  @Test
  void demoConfigHasTheBlockVolumeAndPrintsItsUri() throws Exception {
    Path file = DemoCommand.writeConfig(dir, 0, 0, 0);
    var config = io.doppel.server.node.NfsWiring.configLoader().load(file);
    assertThat(config.nbd().enabled()).isTrue();
    assertThat(config.nbd().port()).isZero();
    assertThat(config.volume("demo"))
        .hasValueSatisfying(v -> assertThat(v.sizeBytes()).isEqualTo(256L << 20));
    assertThat(BlockDemo.instructions("127.0.0.1", 10809, "demo"))
        .contains("nbdinfo nbd://127.0.0.1:10809/demo")
        .contains(
            "qemu-io -f raw -c 'write -P 0x5a 0 1M' -c 'read -P 0x5a 0 1M'"
                + " nbd://127.0.0.1:10809/demo")
        .contains("nbdcopy /tmp/demo.bin nbd://127.0.0.1:10809/demo");
    assertThat(BlockDemo.selfCheck("127.0.0.1", 1, "demo")).startsWith("nbd self-check: ");
  }

  @Test
  void usageErrorsExitWith2() {
    assertThat(run("serve")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--config=FILE'");
    assertThat(run("fsck", "--config", "a.toml")).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(run()).isEqualTo(2);
    assertThat(run("serve", "--config", "a.toml", "--nfs-port", "abc")).isEqualTo(2);
  }

  @Test
  void printsVersionAndExitCodesInHelp() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("doppel ");
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("Exit codes:")
        .contains("2   usage or configuration error")
        .contains("serve", "fsck", "status", "demo");
  }

  @Test
  void serveWithAnInvalidConfigPrintsEveryErrorAndExits2() throws Exception {
    Path file = dir.resolve("doppel.toml");
    Files.writeString(file, "[node]\nname = \"BAD\"\n[nfs]\nprot = 1\n");
    assertThat(run("serve", "--config", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(file + ": node.name: expected a name matching")
        .contains(file + ": node.data_dir: required key is missing")
        .contains(file + ": nfs.prot: unknown key")
        .contains(file + ": exports: required key is missing")
        .contains("configuration invalid (4 error(s))");
  }

  @Test
  void fsckOfAnUnknownExportIsAConfigError() throws Exception {
    Path file = DemoCommand.writeConfig(dir, 0, 0);
    assertThat(run("fsck", "--config", file.toString(), "--export", "/nope")).isEqualTo(2);
    assertThat(err.toString()).contains("no export with path \"/nope\" (configured: /demo)");
    assertThat(run("fsck", "--config", file.toString(), "--export", "/demo")).isEqualTo(3);
    assertThat(err.toString()).contains("export /demo: no store at " + dir.resolve("data"));
  }

  @Test
  void statusPrintsASummaryOrRawJson() throws Exception {
    StatusReport report =
        new StatusReport(
            "node1",
            "9.9",
            "RUNNING",
            3725,
            2049,
            9180,
            10809,
            List.of(new StatusReport.ExportStatus("/data", 1, "/srv/d", 5)),
            List.of(new StatusReport.VolumeStatus("vm-disk", 256L << 20, false, "/srv/vm.img")));
    try (AdminServer admin =
        AdminServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            new MetricRegistry(),
            () -> report)) {
      String url = "http://127.0.0.1:" + admin.port();
      assertThat(run("status", "--admin", url)).isZero();
      assertThat(out.toString())
          .contains("node node1 (doppel 9.9): RUNNING, up 1h 2m 5s")
          .contains("nfs port 2049, admin port 9180, nbd port 10809")
          .containsPattern("/data +id 1 +applied 5 +/srv/d")
          .contains("volumes: 1")
          .containsPattern("vm-disk +256 MiB rw /srv/vm.img");
      assertThat(run("status", "--admin", url + "/", "--json")).isZero();
      assertThat(out.toString()).contains("\"lastAppliedSequence\" : 5");
    }
  }

  @Test
  void statusOfAnUnreachableNodeExits1() {
    assertThat(run("status", "--admin", "http://127.0.0.1:1", "--timeout", "2")).isEqualTo(1);
    assertThat(err.toString())
        .contains("cannot get http://127.0.0.1:1/status")
        .contains("is the node running?");
  }
}
