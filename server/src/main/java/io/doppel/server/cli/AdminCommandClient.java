package io.doppel.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sends one admin command ({@code POST /failover}, {@code POST /maintenance}) and prints the
 * answer.
 */
final class AdminCommandClient {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private AdminCommandClient() {}

  /** Posts and prints the message; exit 0 on 2xx, 1 otherwise. */
  static int post(
      String admin, String path, Map<String, String> query, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    String q =
        query.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    URI uri;
    try {
      uri = URI.create(admin.replaceAll("/+$", "") + path + "?" + q);
    } catch (IllegalArgumentException e) {
      err.println("doppel: --admin: expected a URL like http://127.0.0.1:9180, got " + admin);
      err.flush();
      return ExitCodes.CONFIG;
    }
    Duration timeout = Duration.ofSeconds(10);
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      String message = message(response.body());
      boolean ok = response.statusCode() / 100 == 2;
      (ok ? out : err).println((ok ? "" : "doppel: ") + message);
      out.flush();
      err.flush();
      return ok ? ExitCodes.OK : ExitCodes.FAILED;
    } catch (IOException e) {
      err.println(
          "doppel: cannot reach "
              + uri
              + ": "
              + CliMessages.describe(e)
              + " (is the node running?)");
      err.flush();
      return ExitCodes.FAILED;
    }
  }

  private static String message(String body) {
    try {
      return JSON.readTree(body).path("message").asText(body.strip());
    } catch (IOException e) {
      return body.strip();
    }
  }
}
