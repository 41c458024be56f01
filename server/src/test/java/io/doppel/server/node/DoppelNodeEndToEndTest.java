package io.doppel.server.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.doppel.metrics.MetricRegistry;
import io.doppel.server.cli.DoppelCli;
import io.doppel.server.cli.NfsTools;
import io.doppel.server.config.DoppelConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A whole node in this JVM, driven by the real libnfs tools (nfs-cp, nfs-ls, nfs-cat). */
class DoppelNodeEndToEndTest {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private DoppelNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private Path writeConfig() throws Exception {
    Path file = dir.resolve("doppel.toml");
    Files.writeString(
        file,
        """
        [node]
        name = "e2e"
        data_dir = "data"
        [nfs]
        bind = "127.0.0.1"
        port = 0
        portmap = "off"
        workers = 4
        [admin]
        bind = "127.0.0.1"
        port = 0
        [[exports]]
        path = "/data"
        id = 7
          [[exports.clients]]
          match = "127.0.0.0/8"
          access = "rw"
          squash = "none"
        """);
    return file;
  }

  private String tool(String name) {
    var path = NfsTools.find(name);
    assumeThat(path).as(name + " installed").isPresent();
    return path.get().toString();
  }

  private NfsTools.Result run(String... command) throws Exception {
    return NfsTools.run(TOOL_TIMEOUT, List.of(command));
  }

  @Test
  void filesRoundTripThroughRealNfsClientsAndFsckIsCleanAfterStop() throws Exception {
    String cp = tool("nfs-cp");
    String ls = tool("nfs-ls");
    String cat = tool("nfs-cat");
    Path configFile = writeConfig();
    DoppelConfig config = NfsWiring.configLoader().load(configFile);
    node = new DoppelNode(config, new MetricRegistry(), InstantSource.system(), new SecureRandom());
    node.start();
    assertThat(node.state()).isEqualTo(NodeState.RUNNING);
    assertThat(dir.resolve("data/handle.key")).exists();
    int port = node.nfsPort();

    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append("line ").append(i).append(" of the doppel end-to-end test\n");
    }
    Path local = dir.resolve("local.txt");
    Files.writeString(local, text);
    String url = NfsTools.url("127.0.0.1", "/data", "hello.txt", port);
    NfsTools.Result copy = run(cp, local.toString(), url);
    assertThat(copy.exitCode()).as("nfs-cp: " + copy.stderr()).isZero();

    NfsTools.Result list = run(ls, NfsTools.url("127.0.0.1", "/data", "", port));
    assertThat(list.exitCode()).as("nfs-ls: " + list.stderr()).isZero();
    assertThat(list.stdout()).contains("hello.txt");

    NfsTools.Result read = run(cat, url);
    assertThat(read.exitCode()).as("nfs-cat: " + read.stderr()).isZero();
    assertThat(read.stdout()).isEqualTo(text.toString());

    assertThat(node.status().exports())
        .singleElement()
        .satisfies(e -> assertThat(e.lastAppliedSequence()).isPositive());
    assertThat(adminGet("/status")).contains("\"node\" : \"e2e\"").contains("\"path\" : \"/data\"");
    assertThat(adminGet("/metrics")).contains("doppel_node_state 2");

    StringWriter busy = new StringWriter();
    assertThat(fsck(configFile, new StringWriter(), busy)).isEqualTo(3);
    assertThat(busy.toString()).contains("stop the node first");

    node.close();
    assertThat(node.state()).isEqualTo(NodeState.STOPPED);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(fsck(configFile, out, err)).as(out + " / " + err).isZero();
    assertThat(out.toString()).contains("fsck /data (id 7").endsWith("clean\n");
  }

  @Test
  void aFailedStartClosesWhatItOpenedSoTheNextStartWorks() throws Exception {
    DoppelConfig config = NfsWiring.configLoader().load(writeConfig());
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      DoppelConfig clash = config.withNfs(config.nfs().withPort(taken.getLocalPort()));
      DoppelNode failing =
          new DoppelNode(clash, new MetricRegistry(), InstantSource.system(), new SecureRandom());
      assertThatThrownBy(failing::start).isInstanceOf(IOException.class);
      assertThat(failing.state()).isEqualTo(NodeState.FAILED);
      failing.close();
      assertThat(failing.state()).isEqualTo(NodeState.FAILED);
    }
    node = new DoppelNode(config, new MetricRegistry(), InstantSource.system(), new SecureRandom());
    node.start();
    assertThat(node.state()).isEqualTo(NodeState.RUNNING);
    assertThat(node.status().exports())
        .singleElement()
        .satisfies(e -> assertThat(e.id()).isEqualTo(7));
  }

  private String adminGet(String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminPort() + path))
              .timeout(Duration.ofSeconds(10))
              .build();
      return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  private static int fsck(Path configFile, StringWriter out, StringWriter err) {
    CommandLine cli = DoppelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute("fsck", "--config", configFile.toString(), "--export", "/data");
  }
}
