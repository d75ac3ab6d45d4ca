package io.testline.shopfloor.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** Serves {@code GET /metrics} (Prometheus text) and {@code GET /health} (200 when healthy, else 503). */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "shopfloor-metrics");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Listens on {@code port} (0: any free port) of all interfaces. */
  public MetricsServer(int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("metrics.port: cannot listen on " + port, e);
    }
    server.setExecutor(executor);
    server.createContext("/metrics", e -> respond(e, 200, "text/plain; version=0.0.4", registry.scrape()));
    server.createContext("/health", e -> respond(e, healthy.getAsBoolean() ? 200 : 503, "application/json",
        healthy.getAsBoolean() ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}"));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
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
