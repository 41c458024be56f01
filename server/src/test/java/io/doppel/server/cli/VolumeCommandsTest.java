package io.doppel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.doppel.block.mirror.MirrorStatus;
import io.doppel.block.mirror.VolumeRole;
import io.doppel.block.mirror.verify.VerifyReport;
import io.doppel.block.mirror.verify.VerifyState;
import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.AdminActions;
import io.doppel.server.admin.AdminServer;
import io.doppel.server.admin.StatusReport;
import io.doppel.server.admin.VolumeActions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code doppel volume list|show|create|status|verify} against a real admin endpoint. */
class VolumeCommandsTest {
  private static final long MIB = 1L << 20;

  @TempDir Path dir;
  final List<String> calls = new CopyOnWriteArrayList<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final AtomicLong resyncDone = new AtomicLong(10 * MIB);
  final AtomicReference<VerifyReport> verify = new AtomicReference<>();
  AdminServer admin;
  String url;

  @BeforeEach
  void start() throws Exception {
    admin =
        AdminServer.start(
            new InetSocketAddress("127.0.0.1", 0), new MetricRegistry(), this::report);
    admin.volumeCommands(new FakeVolumes());
    url = "http://127.0.0.1:" + admin.port();
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private StatusReport report() {
    MirrorStatus vm =
        new MirrorStatus(
            "vm1",
            VolumeRole.PRIMARY,
            7,
            1234,
            3 * MIB,
            resyncDone.get(),
            false,
            List.of(
                new MirrorStatus.ReplicaView("b", "IN_SYNC", 1234, 0, 0, 0),
                new MirrorStatus.ReplicaView(
                    "c", "CATCHING_UP", 1000, 3 * MIB, resyncDone.getAndAdd(MIB), 40 * MIB)));
    MirrorStatus backup = new MirrorStatus("vm2", VolumeRole.BACKUP, 3, 99, 0, 0, true, List.of());
    return new StatusReport(
        "a",
        "v",
        "RUNNING",
        1,
        2049,
        9180,
        10809,
        List.of(),
        List.of(
            new StatusReport.VolumeStatus("plain", 1L << 30, true, "/srv/plain.img"),
            new StatusReport.VolumeStatus("vm1", 256 * MIB, false, "/srv/vm1.img", vm),
            new StatusReport.VolumeStatus("vm2", 64 * MIB, false, "/srv/vm2.img", backup)));
  }

  private final class FakeVolumes implements VolumeActions {
    @Override
    public AdminActions.Result promote(String volume) {
      return new AdminActions.Result(200, "promoted");
    }

    @Override
    public AdminActions.Result demote(String volume) {
      return new AdminActions.Result(200, "demoted");
    }

    @Override
    public AdminActions.Result resync(String volume, String discardNode) {
      return new AdminActions.Result(200, "resync");
    }

    @Override
    public AdminActions.Result verify(String volume, boolean repair, long rate) {
      calls.add("verify " + volume + " repair=" + repair + " rate=" + rate);
      return volume.equals("vm1")
          ? new AdminActions.Result(202, "verify of " + volume + " started")
          : new AdminActions.Result(409, "cannot verify " + volume + ": not primary here");
    }

    @Override
    public Optional<VerifyReport> verifyReport(String volume) {
      return volume.equals("vm1") ? Optional.ofNullable(verify.get()) : Optional.empty();
    }
  }

  private int run(String... args) {
    CommandLine cli = DoppelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void listShowsEveryVolumeWithRoleAndState() {
    assertThat(run("volume", "list", "--admin", url)).isZero();
    String[] lines = out.toString().split("\n");
    assertThat(lines[0]).contains("NAME").contains("MIRRORED").contains("ROLE").contains("STATE");
    assertThat(lines[1])
        .contains("plain")
        .contains("1.0 GiB")
        .contains(" no ")
        .contains("local")
        .contains("serving read-only");
    assertThat(lines[2])
        .contains("vm1")
        .contains("256.0 MiB")
        .contains("yes")
        .contains("primary")
        .contains("b=IN_SYNC c=CATCHING_UP");
    assertThat(lines[3]).contains("vm2").contains("backup").contains("INCONSISTENT");
  }

  @Test
  void showPrintsConfigAndMirrorStatus() {
    assertThat(run("volume", "show", "vm1", "--admin", url)).isZero();
    assertThat(out.toString())
        .contains("volume vm1")
        .contains("268435456 bytes")
        .contains("/srv/vm1.img")
        .contains("read-only  no")
        .contains("epoch 7")
        .contains("last seq 1234")
        .contains("dirty 3 MiB")
        .contains("b ")
        .contains("IN_SYNC")
        .contains("CATCHING_UP")
        .contains("resync [");
    out.getBuffer().setLength(0);
    assertThat(run("volume", "show", "plain", "--admin", url)).isZero();
    assertThat(out.toString()).contains("mirrored   no").doesNotContain("epoch");
    assertThat(run("volume", "show", "nope", "--admin", url)).isEqualTo(1);
    assertThat(err.toString()).contains("no volume nope");
  }

  @Test
  void statusShowsResyncProgressBarAndEta() {
    assertThat(run("volume", "status", "vm1", "--sample-ms", "100", "--admin", url)).isZero();
    // Two samples 100 ms apart, 1 MiB more copied: 10 MiB/s, 29 MiB left of 40 MiB.
    assertThat(out.toString())
        .contains("c ")
        .containsPattern("resync \\[#{8}-{22}\\]  27% 11 MiB/40 MiB ETA [23]s");
  }

  @Test
  void createMakesASparseImageAndNeverOverwritesOrShrinks() throws Exception {
    Path img = dir.resolve("sub/v1.img");
    assertThat(run("volume", "create", "v1", "--size", "64M", "--path", img.toString())).isZero();
    assertThat(Files.size(img)).isEqualTo(64 * MIB);
    assertThat(out.toString()).contains("[[volumes]]").contains("name = \"v1\"");
    Process stat = new ProcessBuilder("stat", "-c", "%b", img.toString()).start();
    long blocks = Long.parseLong(new String(stat.getInputStream().readAllBytes()).strip());
    assertThat(blocks * 512).isLessThan(MIB); // sparse: nothing allocated
    Files.write(img, new byte[] {1}, java.nio.file.StandardOpenOption.WRITE);
    assertThat(run("volume", "create", "v1", "--size", "64M", "--path", img.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("already exists").contains("refusing to overwrite");
    assertThat(run("volume", "create", "v1", "--size", "1M", "--path", img.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("refusing to shrink");
    assertThat(Files.size(img)).isEqualTo(64 * MIB);
    assertThat(Files.readAllBytes(img)[0]).isEqualTo((byte) 1);
    assertThat(
            run("volume", "create", "v2", "--size", "100", "--path", dir.resolve("x").toString()))
        .isEqualTo(2);
    assertThat(run("volume", "create", "bad/name", "--size", "1M", "--path", "y")).isEqualTo(2);
    assertThat(VolumeCreateCommand.parseSize("10G")).isEqualTo(10L << 30);
    assertThat(VolumeCreateCommand.parseSize("512KiB")).isEqualTo(512L << 10);
    assertThat(VolumeCreateCommand.parseSize("99999999999T")).isEqualTo(-1);
  }

  @Test
  void verifyReportsDifferingRegionsAndExitsNonZero() {
    verify.set(
        report(
            VerifyState.DONE,
            List.of(
                new VerifyReport.ReplicaResult(
                    "b", 256 * MIB, 0, List.of(new VerifyReport.Range(3 * MIB, MIB)), false))));
    assertThat(run("volume", "verify", "vm1", "--rate", "64M", "--admin", url)).isEqualTo(1);
    assertThat(calls).containsExactly("verify vm1 repair=false rate=67108864");
    assertThat(err.toString()).contains("verify vm1: DONE").contains("[##############");
    assertThat(out.toString())
        .contains("verify of vm1: DONE")
        .contains("b: DIFFERS in 1.0 MiB")
        .contains("region offset 3145728 length 1048576");
  }

  @Test
  void cleanVerifyExitsZeroAndRepairIsPassedOn() {
    verify.set(
        report(
            VerifyState.DONE,
            List.of(new VerifyReport.ReplicaResult("b", 256 * MIB, 0, List.of(), false))));
    assertThat(run("volume", "verify", "vm1", "--repair", "--admin", url)).isZero();
    assertThat(calls).containsExactly("verify vm1 repair=true rate=-1");
    assertThat(out.toString()).contains("b: identical, verified 256.0 MiB");
    assertThat(run("volume", "verify", "vm2", "--admin", url)).isEqualTo(1);
    assertThat(err.toString()).contains("not primary here");
  }

  @Test
  void unverifiedBytesOrFailureAreNotClean() {
    verify.set(
        report(
            VerifyState.DONE,
            List.of(new VerifyReport.ReplicaResult("b", 128 * MIB, 128 * MIB, List.of(), false))));
    assertThat(run("volume", "verify", "vm1", "--admin", url)).isEqualTo(1);
    assertThat(out.toString()).contains("NOT verified 128.0 MiB");
    verify.set(report(VerifyState.FAILED, List.of()));
    assertThat(run("volume", "verify", "vm1", "--admin", url)).isEqualTo(1);
  }

  private static VerifyReport report(VerifyState state, List<VerifyReport.ReplicaResult> rs) {
    return new VerifyReport(
        "vm1",
        state,
        false,
        256 * MIB,
        256 * MIB,
        2000,
        0,
        128 * MIB,
        (int) MIB,
        rs,
        state == VerifyState.FAILED ? "boom" : null);
  }
}
