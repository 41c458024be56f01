package io.doppel.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doppel.metrics.MetricRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private final MetricRegistry metrics = new MetricRegistry();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private AdminServer server;

  @BeforeEach
  void start() throws Exception {
    metrics.counter("test_things_total", "Things.").add(7);
    ProcessGauges.register(metrics);
    StatusReport status =
        new StatusReport(
            "node1",
            "1.2.3",
            "RUNNING",
            42,
            2049,
            9180,
            10809,
            List.of(new StatusReport.ExportStatus("/data", 1, "/srv/data", 17)),
            List.of(new StatusReport.VolumeStatus("vol1", 1L << 30, true, "/srv/vol1.img")));
    server =
        AdminServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics, () -> status);
  }

  @AfterEach
  void stop() {
    server.close();
    client.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void servesPrometheusText() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    assertThat(r.body())
        .contains("# TYPE test_things_total counter")
        .contains("test_things_total 7")
        .contains("doppel_jvm_heap_used_bytes ")
        .contains("doppel_process_uptime_seconds ")
        .contains("doppel_admin_requests_total{path=\"/metrics\"} 1");
  }

  @Test
  void servesHealth() throws Exception {
    HttpResponse<String> r = get("/healthz");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok\n");
  }

  @Test
  void servesStatusAsJson() throws Exception {
    HttpResponse<String> r = get("/status");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode json = new ObjectMapper().readTree(r.body());
    assertThat(json.get("node").asText()).isEqualTo("node1");
    assertThat(json.get("version").asText()).isEqualTo("1.2.3");
    assertThat(json.get("uptimeSeconds").asLong()).isEqualTo(42);
    assertThat(json.get("nfsPort").asInt()).isEqualTo(2049);
    assertThat(json.get("adminPort").asInt()).isEqualTo(9180);
    JsonNode export = json.get("exports").get(0);
    assertThat(export.get("path").asText()).isEqualTo("/data");
    assertThat(export.get("id").asInt()).isEqualTo(1);
    assertThat(export.get("directory").asText()).isEqualTo("/srv/data");
    assertThat(export.get("lastAppliedSequence").asLong()).isEqualTo(17);
    assertThat(json.get("nbdPort").asInt()).isEqualTo(10809);
    JsonNode volume = json.get("volumes").get(0);
    assertThat(volume.get("name").asText()).isEqualTo("vol1");
    assertThat(volume.get("sizeBytes").asLong()).isEqualTo(1L << 30);
    assertThat(volume.get("readOnly").asBoolean()).isTrue();
    assertThat(volume.get("path").asText()).isEqualTo("/srv/vol1.img");
    assertThat(new ObjectMapper().readValue(r.body(), StatusReport.class).exports())
        .containsExactly(new StatusReport.ExportStatus("/data", 1, "/srv/data", 17));
  }

  @Test
  void servesTheStatusPageAndRefusesOtherPathsAndMethods() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>doppel</title>").contains("fetch('/status'");
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(get("/metrics/x").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        send(HttpRequest.newBuilder(uri("/status")).POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }
}
