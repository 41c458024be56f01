package io.doppel.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.doppel.metrics.Counter;
import io.doppel.metrics.MetricRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admin HTTP endpoint, on the JDK's built-in server: {@code GET /metrics} (Prometheus
 * text 0.0.4), {@code GET /status} (JSON {@link StatusReport}), {@code GET /healthz} ("ok") and a
 * small status page at {@code /}. Commands: {@code POST /failover?resource=R[&to=NODE]} and {@code
 * POST /maintenance?on=true|false} (JSON {@code {"status":..,"message":..}}); every other method is
 * 405.
 *
 * <p>Metrics: {@code doppel_admin_requests_total{path}} for each endpoint.
 */
public final class AdminServer implements AutoCloseable {
  static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer http;
  private final ExecutorService executor;
  private final MetricRegistry metrics;
  private final Supplier<StatusReport> status;

  private AdminServer(
      HttpServer http,
      ExecutorService executor,
      MetricRegistry metrics,
      Supplier<StatusReport> status) {
    this.http = http;
    this.executor = executor;
    this.metrics = metrics;
    this.status = status;
  }

  /** Binds {@code address} (port 0 = ephemeral) and starts serving, without commands. */
  public static AdminServer start(
      InetSocketAddress address, MetricRegistry metrics, Supplier<StatusReport> status)
      throws IOException {
    return start(address, metrics, status, AdminActions.NONE);
  }

  /** Binds {@code address} (port 0 = ephemeral) and starts serving. */
  public static AdminServer start(
      InetSocketAddress address,
      MetricRegistry metrics,
      Supplier<StatusReport> status,
      AdminActions actions)
      throws IOException {
    HttpServer http = HttpServer.create(address, 16);
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "doppel-admin-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(executor);
    AdminServer server = new AdminServer(http, executor, metrics, status);
    server.route("/metrics", server::metricsText);
    server.route("/status", server::statusJson);
    server.route("/healthz", () -> new Body(200, "text/plain; charset=utf-8", "ok\n"));
    server.route("/", () -> new Body(200, "text/html; charset=utf-8", StatusPage.HTML));
    server.command(
        "/failover",
        q ->
            q.containsKey("resource")
                ? actions.failover(q.get("resource"), java.util.Optional.ofNullable(q.get("to")))
                : new AdminActions.Result(400, "resource= is required"));
    server.command(
        "/maintenance",
        q ->
            switch (q.getOrDefault("on", "")) {
              case "true", "on" -> actions.maintenance(true);
              case "false", "off" -> actions.maintenance(false);
              default -> new AdminActions.Result(400, "on=true or on=false is required");
            });
    http.start();
    return server;
  }

  /** Adds {@code POST /volume/promote?name=V} and {@code POST /volume/demote?name=V}. */
  public void volumeCommands(VolumeActions volumes) {
    for (String verb : new String[] {"promote", "demote"}) {
      command(
          "/volume/" + verb,
          q ->
              !q.containsKey("name")
                  ? new AdminActions.Result(400, "name= is required")
                  : verb.equals("promote")
                      ? volumes.promote(q.get("name"))
                      : volumes.demote(q.get("name")));
    }
    command(
        "/volume/resync",
        q ->
            !q.containsKey("name") || !q.containsKey("discard")
                ? new AdminActions.Result(400, "name= and discard= are required")
                : volumes.resync(q.get("name"), q.get("discard")));
    verifyCommands(volumes);
  }

  /**
   * {@code POST /volume/verify?name=V[&repair=true][&rate=BYTES_PER_S]} starts an online verify;
   * {@code GET /volume/verify/report?name=V} answers its progress and result (JSON {@code
   * VerifyReport}; 404 when no verify ran on this node).
   */
  private void verifyCommands(VolumeActions volumes) {
    command(
        "/volume/verify",
        q -> {
          if (!q.containsKey("name")) {
            return new AdminActions.Result(400, "name= is required");
          }
          long rate;
          try {
            rate = Long.parseLong(q.getOrDefault("rate", "-1"));
          } catch (NumberFormatException e) {
            return new AdminActions.Result(400, "rate= must be bytes per second");
          }
          return volumes.verify(q.get("name"), "true".equals(q.get("repair")), rate);
        });
    Counter requests =
        metrics.counter(
            "doppel_admin_requests_total",
            "Admin HTTP requests by endpoint.",
            Map.of("path", "/volume/verify/report"));
    http.createContext(
        "/volume/verify/report",
        exchange -> {
          try (exchange) {
            requests.increment();
            String name = query(exchange.getRequestURI().getRawQuery()).getOrDefault("name", "");
            respond(exchange, "/volume/verify/report", () -> verifyReport(volumes, name));
          }
        });
  }

  private static Body verifyReport(VolumeActions volumes, String name) {
    try {
      var report = volumes.verifyReport(name);
      Object body =
          report.isPresent()
              ? report.get()
              : new AdminActions.Result(404, "no verify of " + name + " on this node");
      return new Body(
          report.isPresent() ? 200 : 404, "application/json", JSON.writeValueAsString(body) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the verify report", e);
    }
  }

  /** The bound port. */
  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private record Body(int status, String contentType, String text) {}

  private void route(String path, Supplier<Body> body) {
    Counter requests =
        metrics.counter(
            "doppel_admin_requests_total",
            "Admin HTTP requests by endpoint.",
            Map.of("path", path));
    http.createContext(
        path,
        exchange -> {
          try (exchange) {
            requests.increment();
            respond(exchange, path, body);
          }
        });
  }

  /** A POST endpoint taking its arguments from the query string. */
  private void command(
      String path, java.util.function.Function<Map<String, String>, AdminActions.Result> action) {
    Counter requests =
        metrics.counter(
            "doppel_admin_requests_total",
            "Admin HTTP requests by endpoint.",
            Map.of("path", path));
    http.createContext(
        path,
        exchange -> {
          try (exchange) {
            requests.increment();
            exchange.getRequestBody().readNBytes(4096); // ignored; bounded
            Body b;
            if (!exchange.getRequestMethod().equals("POST")) {
              exchange.getResponseHeaders().set("Allow", "POST");
              b = new Body(405, "text/plain; charset=utf-8", "method not allowed\n");
            } else {
              b = runCommand(path, action, query(exchange.getRequestURI().getRawQuery()));
            }
            send(exchange, b, false);
          }
        });
  }

  private static Body runCommand(
      String path,
      java.util.function.Function<Map<String, String>, AdminActions.Result> action,
      Map<String, String> query) {
    AdminActions.Result r;
    try {
      r = action.apply(query);
    } catch (RuntimeException e) {
      LOG.warn("event=admin_error path={} error={}", path, e.toString(), e);
      r = new AdminActions.Result(500, "internal error: " + e.getMessage());
    }
    LOG.info(
        "event=admin_command path={} query={} status={} message=\"{}\"",
        path,
        query,
        r.status(),
        r.message());
    try {
      return new Body(r.status(), "application/json", JSON.writeValueAsString(r) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          java.net.URLDecoder.decode(k, StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void respond(HttpExchange exchange, String path, Supplier<Body> body)
      throws IOException {
    String method = exchange.getRequestMethod();
    Body b;
    if (!exchange.getRequestURI().getPath().equals(path)) {
      b = new Body(404, "text/plain; charset=utf-8", "not found\n");
    } else if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      b = new Body(405, "text/plain; charset=utf-8", "method not allowed\n");
    } else {
      try {
        b = body.get();
      } catch (RuntimeException e) {
        LOG.warn("event=admin_error path={} error={}", path, e.toString(), e);
        b = new Body(500, "text/plain; charset=utf-8", "internal error\n");
      }
    }
    send(exchange, b, method.equals("HEAD"));
  }

  private static void send(HttpExchange exchange, Body b, boolean head) throws IOException {
    byte[] bytes = b.text().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", b.contentType());
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(b.status(), head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private Body metricsText() {
    return new Body(200, PROMETHEUS_TYPE, metrics.scrape());
  }

  private Body statusJson() {
    try {
      return new Body(200, "application/json", JSON.writeValueAsString(status.get()) + "\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render status", e);
    }
  }
}
