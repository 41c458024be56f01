package io.doppel.cluster.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doppel.cluster.ClusterEvent;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real net-snmp {@code snmptrapd} receives the v2c traps. */
class SnmpTrapSenderTest {
  private static final Path SNMPTRAPD = Path.of("/usr/sbin/snmptrapd");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final EventsStats stats = new EventsStats(new MetricRegistry());
  @TempDir Path dir;
  private Process trapd;
  private Path out;
  private int port;

  @BeforeEach
  void startSnmptrapd() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(SNMPTRAPD), "snmptrapd is not installed");
    Path conf = dir.resolve("snmptrapd.conf");
    Files.writeString(conf, "authCommunity log,execute,net public\ndisableAuthorization yes\n");
    out = dir.resolve("traps.log");
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            SNMPTRAPD.toString(),
            "-f",
            "-Lo",
            "-C",
            "-c",
            conf.toString(),
            "-p",
            dir.resolve("snmptrapd.pid").toString(),
            "-m",
            "",
            "-On",
            "udp:127.0.0.1:" + port);
    pb.redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().put("MIBS", "");
    trapd = pb.start();
    await().atMost(WAIT).until(() -> Files.readString(out).contains("NET-SNMP version"));
  }

  @AfterEach
  void stopSnmptrapd() throws Exception {
    if (trapd != null) {
      ProcessHandle.of(trapd.pid()).ifPresent(ProcessHandle::destroy);
      if (!trapd.waitFor(10, TimeUnit.SECONDS)) {
        trapd.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void snmptrapdReceivesLinkFaultAndMachineFailed() throws Exception {
    List<ClusterEvent> all = TestEvents.all();
    try (SnmpTrapSender sender =
        new SnmpTrapSender(
            List.of(TrapManager.parse("127.0.0.1:" + port, "public")),
            InstantSource.fixed(TestEvents.T0),
            stats)) {
      sender.deliver(TestEvents.envelope(all.get(2), 11)); // LINK_FAULT
      sender.deliver(TestEvents.envelope(all.get(5), 12)); // MACHINE_FAILED
      await().atMost(WAIT).until(() -> Files.readString(out).contains("taken_over=export:home"));
    }
    String log = Files.readString(out);
    String root = ".1.3.6.1.4.1.32473.7";
    assertThat(log).contains(".1.3.6.1.6.3.1.1.4.1.0 = OID: " + root + ".0.3");
    assertThat(log).contains(".1.3.6.1.6.3.1.1.4.1.0 = OID: " + root + ".0.6");
    assertThat(log).contains(root + ".1.1.1 = STRING: \"a\"");
    assertThat(log).contains(root + ".1.1.2 = STRING: \"LINK_FAULT\"");
    assertThat(log).contains(root + ".1.1.2 = STRING: \"MACHINE_FAILED\"");
    assertThat(log).contains(root + ".1.1.3 = Counter64: 11");
    assertThat(log).contains(root + ".1.1.4 = STRING: \"b\"");
    assertThat(log).contains(root + ".1.1.7 = STRING: \"link=repl\"");
    assertThat(log)
        .contains(
            root
                + ".1.1.7 = STRING: \"taken_over=export:home,volume:db exports=home volumes=db"
                + " virtual_servers=\"");
    assertThat(stats.trapCount("sent")).isEqualTo(2);
  }

  @Test
  void resourceAndEpochHaveTheirOwnVarbinds() throws Exception {
    try (SnmpTrapSender sender =
        new SnmpTrapSender(
            List.of(new TrapManager("127.0.0.1", port, "public")),
            InstantSource.fixed(TestEvents.T0),
            stats)) {
      sender.deliver(TestEvents.envelope(TestEvents.all().get(7), 1)); // ROLE_CHANGED
      sender.deliver(
          TestEvents.envelope(new TestEvents.Custom("RESYNC_DONE", java.util.Map.of()), 2));
      await().atMost(WAIT).until(() -> Files.readString(out).contains("RESYNC_DONE"));
    }
    String log = Files.readString(out);
    String root = ".1.3.6.1.4.1.32473.7";
    assertThat(log).contains("OID: " + root + ".0.8");
    assertThat(log).contains(root + ".1.1.5 = STRING: \"export:home\"");
    assertThat(log).contains(root + ".1.1.6 = Gauge32: 7");
    assertThat(log).contains(root + ".1.1.7 = STRING: \"from=CANDIDATE to=PRIMARY\"");
    assertThat(log).as("no notification of its own").contains("OID: " + root + ".0.99");
  }

  @Test
  void unresolvableManagerFailsAtConstruction() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new SnmpTrapSender(
                    List.of(new TrapManager("no-such-host.invalid", 162, "public")),
                    InstantSource.fixed(TestEvents.T0),
                    stats))
        .isInstanceOf(IOException.class);
  }
}
