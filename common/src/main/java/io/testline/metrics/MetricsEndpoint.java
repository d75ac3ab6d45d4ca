package io.testline.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.testline.login.LoginThrottle;
import io.testline.login.LoginThrottled;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one metrics and health endpoint of every testline process: {@code GET /metrics} (Prometheus text format) and
 * {@code GET /health} (JSON, 200 when UP, 503 when DOWN), {@code HEAD} for both, 404 for any other path. The JDK's
 * own HTTP server on one daemon thread: two read-only resources need no web framework, and the station agent carries
 * no extra jar for it. It listens on the address it is given; callers pass {@code 127.0.0.1} unless configured.
 * With {@link MetricsAuth} credentials, {@code /metrics} answers 401 to a request without them; {@code /health}
 * stays open for container and load-balancer probes. Wrong credentials go through a {@link LoginThrottle} (listener
 * {@code metrics}, per user name and client address): past the limit {@code /metrics} answers 429 with
 * {@code Retry-After} without checking, as the query API and the web do.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
     * Listens on {@code host:port} (port 0: any free port).
     *
     * @param name the service's name, used for the thread and the log line
     * @throws IOException when the address cannot be bound; the message names it
     */
  public static MetricsEndpoint start(String name, String host, int port, PrometheusMeterRegistry registry,
    HealthCheck health) throws IOException {
    return start(name, host, port, registry, health, null);
  }

  /**
   * Listens on {@code host:port} (port 0: any free port), {@code /metrics} guarded by {@code auth}.
   *
   * @param auth Basic credentials {@code /metrics} requires; null for none
   * @throws IOException when the address cannot be bound; the message names it
   */
  public static MetricsEndpoint start(String name, String host, int port, PrometheusMeterRegistry registry,
    HealthCheck health, MetricsAuth auth) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IOException("cannot listen for metrics on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name + "-metrics-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    Guard guard = auth == null ? null
        : new Guard(auth, new LoginThrottle(auth.loginLimits(), Clock.systemUTC(), registry, "metrics"));
    server.createContext("/", exchange -> serve(exchange, registry, health, guard));
    server.start();
    MetricsEndpoint endpoint = new MetricsEndpoint(server, executor);
    log.info("{} metrics and health on http://{}:{}/metrics and /health", name, host, endpoint.port());
    return endpoint;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry, HealthCheck health,
    Guard guard) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/metrics") && !path.equals("/health")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (path.equals("/metrics") && guard != null && !guard.admits(exchange)) {
        return;
      }
      if (path.equals("/metrics")) {
        respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
      } else {
        HealthReport report = check(health);
        respond(exchange, report.up() ? 200 : 503, "application/json",
          JSON.writeValueAsBytes(report.body()));
      }
    } catch (IOException | RuntimeException e) {
      // a scrape or probe that failed is retried by its caller; keep the endpoint up
      log.warn("serving {} failed: {}", exchange.getRequestURI().getPath(), e.toString(), e);
    }
  }

  /** {@code /metrics}'s credentials and the throttle of wrong ones. */
  private record Guard(MetricsAuth auth, LoginThrottle throttle) {
    /** Whether the request may be served; when not, the 401 or 429 has been sent. */
    boolean admits(HttpExchange exchange) throws IOException {
      String header = exchange.getRequestHeaders().getFirst("Authorization");
      if (header == null || header.isBlank()) {
        // no credentials is no guess: a probe or a misconfigured scraper, answered without counting
        challenge(exchange);
        return false;
      }
      String user = MetricsAuth.userTried(header);
      String address = exchange.getRemoteAddress().getAddress().getHostAddress();
      try {
        throttle.check(user, address);
      } catch (LoginThrottled refused) {
        exchange.getResponseHeaders().set("Retry-After", Long.toString(refused.retryAfterSeconds()));
        respond(exchange, 429, "text/plain; charset=utf-8",
            (refused.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
        return false;
      }
      if (auth.accepts(header)) {
        throttle.succeeded(user, address);
        return true;
      }
      throttle.failed(user, address);
      challenge(exchange);
      return false;
    }

    private static void challenge(HttpExchange exchange) throws IOException {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"testline metrics\"");
      exchange.sendResponseHeaders(401, -1);
    }
  }

  private static HealthReport check(HealthCheck health) {
    try {
      return health.check();
    } catch (RuntimeException e) {
      return HealthReport.down(Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
    throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
