package io.testline.shopfloor.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.testline.schemas.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shopfloor (MES) stand-in: a real HTTP server for tests, the demo and anyone trying an adapter.
 *
 * <p>{@code POST /results} takes a JSON result as the {@code HttpShopfloorAdapter} sends it by default (fields
 * {@code runId}, {@code serialNumber}, {@code operation}, {@code outcome}) with an {@code Idempotency-Key} header:
 * <ul>
 *   <li>201 {@code {"reference": "..."}} when accepted;</li>
 *   <li>422 {@code {"code": "ROUTE-STEP", "message": ...}} when the unit is not at that operation of its route
 *       (see {@link #setRoute}); units without a route accept any operation;</li>
 *   <li>a repeat of a known key gets the original answer again, has no effect and counts as a duplicate.</li>
 * </ul>
 * Faults ({@link Faults}) are decided per request. {@link #down()} closes the listener, so connections are refused,
 * until {@link #up()}. Admin API on the same port: {@code GET /sim/stats}, {@code POST /sim/faults} (JSON:
 * {@code errorRate, dropRate, latencyMs, spikeRate, spikeMs, hang}), {@code POST /sim/routes} (JSON:
 * {@code serialNumber, operations}), {@code POST /sim/down?seconds=N} (down, then up after N seconds).
 */
public final class ShopfloorSimulator implements AutoCloseable {
  public static final String RESULTS_PATH = "/results";
  public static final String ROUTE_STEP = "ROUTE-STEP";
  private static final Logger log = LoggerFactory.getLogger(ShopfloorSimulator.class);

  private final Object lock = new Object();
  private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "shopfloor-sim");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "shopfloor-sim-timer");
    t.setDaemon(true);
    return t;
  });
  private final RouteBook routes = new RouteBook();
  private final Map<String, Answer> answers = new HashMap<>();
  private final Map<String, List<String>> acceptedBySerial = new HashMap<>();
  private final Map<String, Integer> effectsByRun = new HashMap<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong doubleEffects = new AtomicLong();
  private volatile Faults faults = Faults.NONE;
  private final int port;
  private HttpServer server;
  private boolean closed;

  private record Answer(int status, String body) {}

  private ShopfloorSimulator(int requestedPort) {
    this.server = bind(requestedPort);
    this.port = server.getAddress().getPort();
    server.start();
  }

  /** Starts a simulator on {@code port} (0: a free port) of the loopback interface. */
  public static ShopfloorSimulator start(int port) {
    ShopfloorSimulator simulator = new ShopfloorSimulator(port);
    log.info("shopfloor simulator listening on {}", simulator.baseUri());
    return simulator;
  }

  public int port() {
    return port;
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Where adapters send results. */
  public URI resultsUri() {
    return baseUri().resolve(RESULTS_PATH);
  }

  public Faults faults() {
    return faults;
  }

  public void setFaults(Faults value) {
    synchronized (lock) {
      this.faults = value;
      lock.notifyAll();
    }
  }

  public void setRoute(String serialNumber, List<String> operations) {
    synchronized (lock) {
      routes.setRoute(serialNumber, operations);
    }
  }

  public Optional<String> currentOperation(String serialNumber) {
    synchronized (lock) {
      return routes.currentOperation(serialNumber);
    }
  }

  /** Closes the listener: new connections are refused until {@link #up()}. Idempotent. */
  public void down() {
    synchronized (lock) {
      if (server != null) {
        server.stop(0);
        server = null;
        log.info("shopfloor simulator on port {} is down", port);
      }
    }
  }

  /** Listens again on the same port. Idempotent. */
  public void up() {
    synchronized (lock) {
      if (server == null && !closed) {
        server = bind(port);
        server.start();
        log.info("shopfloor simulator on port {} is up", port);
      }
    }
  }

  /** Down now, up again after {@code outage}. */
  public void downFor(Duration outage) {
    down();
    timer.schedule(this::up, outage.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isUp() {
    synchronized (lock) {
      return server != null;
    }
  }

  public SimulatorStats stats() {
    return new SimulatorStats(requests.get(), accepted.get(), rejected.get(), duplicates.get(), errors.get(),
        dropped.get(), doubleEffects.get());
  }

  /** Run ids accepted for {@code serialNumber}, in the order they took effect. */
  public List<String> acceptedRuns(String serialNumber) {
    synchronized (lock) {
      return List.copyOf(acceptedBySerial.getOrDefault(serialNumber, List.of()));
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    down();
    timer.shutdownNow();
    handlers.shutdownNow();
  }

  private HttpServer bind(int onPort) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 256);
      s.setExecutor(handlers);
      s.createContext(RESULTS_PATH, this::handleResult);
      s.createContext("/sim/stats", e -> respond(e, 200, json(stats())));
      s.createContext("/sim/faults", this::handleFaults);
      s.createContext("/sim/routes", this::handleRoute);
      s.createContext("/sim/down", this::handleDown);
      s.createContext("/health", e -> respond(e, 200, "{\"status\":\"UP\"}"));
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + onPort, e);
    }
  }

  private void handleResult(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Faults f = faults;
    if (f.hang() && awaitUnhang()) {
      drop(exchange);
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextDouble() < f.dropRate()) {
      drop(exchange);
      return;
    }
    if (random.nextDouble() < f.errorRate()) {
      errors.incrementAndGet();
      respond(exchange, 503, "{\"code\":\"UNAVAILABLE\",\"message\":\"injected fault\"}");
      return;
    }
    Answer answer = decide(exchange.getRequestHeaders().getFirst("Idempotency-Key"), body);
    long delay = f.latency().toMillis() + (random.nextDouble() < f.spikeRate() ? f.spike().toMillis() : 0);
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        drop(exchange);
        return;
      }
    }
    respond(exchange, answer.status(), answer.body());
  }

  /** Waits while hanging is on; true when the request should then be dropped (it was hung). */
  private boolean awaitUnhang() {
    synchronized (lock) {
      boolean hung = false;
      while (faults.hang() && !closed) {
        hung = true;
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return true;
        }
      }
      return hung;
    }
  }

  private Answer decide(String key, byte[] body) {
    JsonNode result;
    try {
      result = EventJson.mapper().readTree(body);
    } catch (IOException e) {
      return new Answer(400, "{\"code\":\"BAD-REQUEST\",\"message\":\"body is not JSON\"}");
    }
    String serialNumber = result.path("serialNumber").asText("");
    if (serialNumber.isEmpty()) {
      return new Answer(400, "{\"code\":\"BAD-REQUEST\",\"message\":\"serialNumber is missing\"}");
    }
    String runId = result.path("runId").asText(key == null ? "" : key);
    synchronized (lock) {
      if (key != null) {
        Answer known = answers.get(key);
        if (known != null) {
          duplicates.incrementAndGet();
          return known;
        }
      }
      Optional<String> refusal = routes.check(serialNumber, result.path("operation").asText(""),
          result.path("outcome").asText(""));
      Answer answer;
      if (refusal.isPresent()) {
        rejected.incrementAndGet();
        ObjectNode json = EventJson.mapper().createObjectNode().put("code", ROUTE_STEP).put("message", refusal.get());
        answer = new Answer(422, json.toString());
      } else {
        accepted.incrementAndGet();
        acceptedBySerial.computeIfAbsent(serialNumber, k -> new ArrayList<>()).add(runId);
        if (effectsByRun.merge(runId, 1, Integer::sum) > 1) {
          doubleEffects.incrementAndGet();
        }
        answer = new Answer(201, "{\"reference\":\"SF-" + UUID.randomUUID() + "\"}");
      }
      if (key != null) {
        answers.put(key, answer);
      }
      return answer;
    }
  }

  private void handleFaults(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      respond(exchange, 200, json(faults));
      return;
    }
    JsonNode in = readJson(exchange);
    Faults current = faults;
    try {
      setFaults(new Faults(
          in.path("errorRate").asDouble(current.errorRate()),
          in.path("dropRate").asDouble(current.dropRate()),
          in.has("latencyMs") ? Duration.ofMillis(in.get("latencyMs").asLong()) : current.latency(),
          in.path("spikeRate").asDouble(current.spikeRate()),
          in.has("spikeMs") ? Duration.ofMillis(in.get("spikeMs").asLong()) : current.spike(),
          in.path("hang").asBoolean(current.hang())));
    } catch (IllegalArgumentException e) {
      respond(exchange, 400, EventJson.mapper().createObjectNode().put("code", "BAD-REQUEST")
          .put("message", e.getMessage()).toString());
      return;
    }
    respond(exchange, 200, json(faults));
  }

  private void handleRoute(HttpExchange exchange) throws IOException {
    JsonNode in = readJson(exchange);
    List<String> operations = new ArrayList<>();
    in.path("operations").forEach(op -> operations.add(op.asText()));
    String serialNumber = in.path("serialNumber").asText("");
    if (serialNumber.isEmpty() || operations.isEmpty()) {
      respond(exchange, 400, "{\"code\":\"BAD-REQUEST\",\"message\":\"serialNumber and operations are required\"}");
      return;
    }
    setRoute(serialNumber, operations);
    respond(exchange, 204, "");
  }

  private void handleDown(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    long seconds = 30;
    if (query != null && query.startsWith("seconds=")) {
      try {
        seconds = Long.parseLong(query.substring("seconds=".length()));
      } catch (NumberFormatException e) {
        respond(exchange, 400, "{\"code\":\"BAD-REQUEST\",\"message\":\"seconds must be a whole number\"}");
        return;
      }
    }
    respond(exchange, 202, "{\"downForSeconds\":" + seconds + "}");
    long outage = seconds;
    // after the answer is out, or the client would see its own request fail
    timer.schedule(() -> downFor(Duration.ofSeconds(outage)), 50, TimeUnit.MILLISECONDS);
  }

  private void drop(HttpExchange exchange) {
    dropped.incrementAndGet();
    // closing without response headers closes the connection: the client sees it dropped
    exchange.close();
  }

  private static JsonNode readJson(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      JsonNode node = EventJson.mapper().readTree(in);
      return node == null ? EventJson.mapper().createObjectNode() : node;
    }
  }

  private static String json(Object value) {
    return EventJson.toTree(value).toString();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }
}
