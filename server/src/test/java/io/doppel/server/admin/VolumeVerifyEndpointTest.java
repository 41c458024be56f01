package io.doppel.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doppel.block.mirror.verify.VerifyReport;
import io.doppel.block.mirror.verify.VerifyState;
import io.doppel.metrics.MetricRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /volume/verify} and {@code GET /volume/verify/report}. */
class VolumeVerifyEndpointTest {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final MetricRegistry metrics = new MetricRegistry();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private AdminServer server;

  @BeforeEach
  void start() throws Exception {
    StatusReport status =
        new StatusReport("a", "v", "RUNNING", 1, 2049, 9180, -1, List.of(), List.of());
    server = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), metrics, () -> status);
    server.volumeCommands(
        new VolumeActions() {
          @Override
          public AdminActions.Result promote(String volume) {
            return new AdminActions.Result(200, "p");
          }

          @Override
          public AdminActions.Result demote(String volume) {
            return new AdminActions.Result(200, "d");
          }

          @Override
          public AdminActions.Result resync(String volume, String discardNode) {
            return new AdminActions.Result(200, "r");
          }

          @Override
          public AdminActions.Result verify(String volume, boolean repair, long rate) {
            calls.add(volume + " " + repair + " " + rate);
            return new AdminActions.Result(202, "started " + volume);
          }

          @Override
          public Optional<VerifyReport> verifyReport(String volume) {
            return volume.equals("vm1")
                ? Optional.of(
                    new VerifyReport(
                        "vm1",
                        VerifyState.RUNNING,
                        true,
                        1 << 30,
                        1 << 28,
                        1000,
                        3000,
                        1 << 28,
                        1 << 20,
                        List.of(
                            new VerifyReport.ReplicaResult(
                                "b",
                                1 << 28,
                                0,
                                List.of(new VerifyReport.Range(1 << 20, 2 << 20)),
                                false)),
                        null))
                : Optional.empty();
          }
        });
  }

  @AfterEach
  void stop() {
    server.close();
    client.close();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(5));
    b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void postStartsAVerifyWithItsOptions() throws Exception {
    HttpResponse<String> r = send("POST", "/volume/verify?name=vm1&repair=true&rate=1048576");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).contains("started vm1");
    assertThat(send("POST", "/volume/verify?name=vm2").statusCode()).isEqualTo(202);
    assertThat(calls).containsExactly("vm1 true 1048576", "vm2 false -1");
    assertThat(send("POST", "/volume/verify").statusCode()).isEqualTo(400);
    assertThat(send("POST", "/volume/verify?name=vm1&rate=fast").statusCode()).isEqualTo(400);
    assertThat(send("GET", "/volume/verify?name=vm1").statusCode()).isEqualTo(405);
    assertThat(calls).hasSize(2);
  }

  @Test
  void reportIsJsonWithProgressAndRegions() throws Exception {
    HttpResponse<String> r = send("GET", "/volume/verify/report?name=vm1");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode j = new ObjectMapper().readTree(r.body());
    assertThat(j.path("state").asText()).isEqualTo("RUNNING");
    assertThat(j.path("bytesDone").asLong()).isEqualTo(1 << 28);
    assertThat(j.path("etaMillis").asLong()).isEqualTo(3000);
    JsonNode b = j.path("replicas").path(0);
    assertThat(b.path("node").asText()).isEqualTo("b");
    assertThat(b.path("differing").path(0).path("offset").asLong()).isEqualTo(1 << 20);
    assertThat(b.path("differing").path(0).path("length").asLong()).isEqualTo(2 << 20);
    HttpResponse<String> none = send("GET", "/volume/verify/report?name=other");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("no verify of other");
    assertThat(send("POST", "/volume/verify/report?name=vm1").statusCode()).isEqualTo(405);
    assertThat(metrics.scrape())
        .contains("doppel_admin_requests_total{path=\"/volume/verify/report\"} 3");
  }
}
