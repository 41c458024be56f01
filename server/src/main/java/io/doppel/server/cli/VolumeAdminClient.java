package io.doppel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs JSON from a node's admin endpoint for the {@code doppel volume} commands. */
final class VolumeAdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private VolumeAdminClient() {}

  /** An answer: the HTTP status and the parsed body. */
  record Answer(int status, JsonNode body) {}

  /** GETs {@code admin + pathAndQuery}; IOException when unreachable or the body is not JSON. */
  static Answer get(String admin, String pathAndQuery) throws IOException, InterruptedException {
    URI uri;
    try {
      uri = URI.create(admin.replaceAll("/+$", "") + pathAndQuery);
    } catch (IllegalArgumentException e) {
      throw new IOException("--admin: expected a URL like http://127.0.0.1:9180, got " + admin);
    }
    Duration timeout = Duration.ofSeconds(10);
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }
  }

  /** The {@code volumes} entry named {@code name} of a {@code /status} answer, or null. */
  static JsonNode volume(JsonNode status, String name) {
    for (JsonNode v : status.path("volumes")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    return null;
  }
}
