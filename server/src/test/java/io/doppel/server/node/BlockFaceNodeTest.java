package io.doppel.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.server.admin.StatusReport;
import io.doppel.server.cli.NfsTools;
import io.doppel.server.config.DoppelConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node with [nbd] and [[volumes]]: the NBD server runs, status shows it, close releases it. */
class BlockFaceNodeTest {
  /** NBD proto.md: the server's first eight bytes are "NBDMAGIC". */
  private static final long NBDMAGIC = 0x4e42444d41474943L;

  @TempDir Path dir;
  private DoppelNode node;
  private final MetricRegistry metrics = new MetricRegistry();

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private DoppelConfig config(String block) throws Exception {
    Path file = dir.resolve("doppel.toml");
    Files.writeString(
        file,
        """
        [node]
        name = "blk"
        data_dir = "data"
        [nfs]
        bind = "127.0.0.1"
        port = 0
        portmap = "off"
        udp = false
        workers = 2
        [admin]
        port = -1
        [[exports]]
        path = "/data"
        id = 1
          [[exports.clients]]
          match = "127.0.0.0/8"
        """
            + block);
    return NfsWiring.configLoader().load(file);
  }

  private DoppelNode start(DoppelConfig config) throws IOException {
    node = new DoppelNode(config, metrics, InstantSource.system(), new SecureRandom());
    node.start();
    return node;
  }

  @Test
  void servesConfiguredVolumesOverNbdAndReportsThem() throws Exception {
    start(
        config(
            """
            [nbd]
            bind = "127.0.0.1"
            port = 0
            [[volumes]]
            name = "disk"
            size = "16M"
            [[volumes]]
            name = "ro"
            size = "1M"
            read_only = true
            cache_bytes = 0
            """));
    int port = node.nbdPort();
    assertThat(port).isPositive();
    assertThat(dir.resolve("data/volumes/disk.img")).hasSize(16L << 20);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      assertThat(new DataInputStream(s.getInputStream()).readLong()).isEqualTo(NBDMAGIC);
    }
    StatusReport status = node.status();
    assertThat(status.nbdPort()).isEqualTo(port);
    assertThat(status.volumes())
        .containsExactly(
            new StatusReport.VolumeStatus(
                "disk", 16L << 20, false, dir.resolve("data/volumes/disk.img").toString()),
            new StatusReport.VolumeStatus(
                "ro", 1L << 20, true, dir.resolve("data/volumes/ro.img").toString()));
    assertThat(metrics.scrape()).contains("doppel_block_cache_capacity_bytes{volume=\"disk\"}");

    var nbdinfo = NfsTools.find("nbdinfo");
    assumeThat(nbdinfo).as("nbdinfo installed (libnbd-bin)").isPresent();
    NfsTools.Result size =
        NfsTools.run(
            Duration.ofSeconds(30),
            List.of(nbdinfo.get().toString(), "--size", "nbd://127.0.0.1:" + port + "/disk"));
    assertThat(size.exitCode()).as(size.stderr()).isZero();
    assertThat(size.stdout().strip()).isEqualTo(Long.toString(16L << 20));

    node.close();
    assertThat(node.state()).isEqualTo(NodeState.STOPPED);
    try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).as("port released on close").isEqualTo(port);
    }
  }

  @Test
  void withoutBlockConfigNoNbdServerRuns() throws Exception {
    start(config(""));
    assertThat(node.nbdPort()).isEqualTo(-1);
    assertThat(node.status().volumes()).isEmpty();
  }

  @Test
  void aTakenNbdPortFailsTheStartAndClosesTheRest() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      DoppelConfig c =
          config(
              "[nbd]\nbind = \"127.0.0.1\"\nport = "
                  + taken.getLocalPort()
                  + "\n[[volumes]]\nname = \"v\"\nsize = \"1M\"\n");
      DoppelNode failing = new DoppelNode(c, metrics, InstantSource.system(), new SecureRandom());
      assertThatThrownBy(failing::start).isInstanceOf(IOException.class);
      assertThat(failing.state()).isEqualTo(NodeState.FAILED);
      // The exports' stores were closed: a second node can open them.
      start(c.withNbd(c.nbd().withPort(0)));
      assertThat(node.nbdPort()).isPositive();
    }
  }
}
