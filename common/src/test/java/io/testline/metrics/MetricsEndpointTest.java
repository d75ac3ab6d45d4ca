package io.testline.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final HttpClient http = HttpClient.newHttpClient();
  private JvmMeters jvm;
  private MetricsEndpoint endpoint;

  @BeforeEach
  void start() throws IOException {
    jvm = JvmMeters.bindTo(registry);
    registry.counter("testline.test.things").increment(3);
    endpoint = MetricsEndpoint.start("test", "127.0.0.1", 0, registry, () -> healthy.get()
        ? HealthReport.up(Map.of("database", "reachable"))
        : HealthReport.down(Map.of("database", "unreachable")));
  }

  @AfterEach
  void stop() {
    endpoint.close();
    jvm.close();
    registry.close();
  }

  @Test
  void metrics_are_served_in_prometheus_text_with_the_jvm_meters() throws Exception {
    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.PROMETHEUS_TEXT);
    assertThat(response.body()).contains("testline_test_things_total 3.0")
        .contains("jvm_memory_used_bytes").contains("jvm_gc_").contains("process_uptime_seconds");
  }

  @Test
  void health_answers_200_when_up_and_503_with_the_reason_when_down() throws Exception {
    HttpResponse<String> up = get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(up.body()).isEqualTo("{\"status\":\"UP\",\"database\":\"reachable\"}");

    healthy.set(false);
    HttpResponse<String> down = get("/health");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.body()).isEqualTo("{\"status\":\"DOWN\",\"database\":\"unreachable\"}");
  }

  @Test
  void a_health_check_that_throws_is_reported_down_not_as_a_server_error() throws Exception {
    endpoint.close();
    endpoint = MetricsEndpoint.start("test", "127.0.0.1", 0, registry, () -> {
      throw new IllegalStateException("pool closed");
    });

    HttpResponse<String> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("\"status\":\"DOWN\"").contains("pool closed");
  }

  @Test
  void other_paths_are_not_found_and_other_methods_not_allowed() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/metrics/x").statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void head_answers_without_a_body() throws Exception {
    HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri("/health"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void with_basic_auth_metrics_need_the_credentials_and_health_stays_open() throws Exception {
    endpoint.close();
    MetricsAuth auth = MetricsAuth.load(io.testline.config.ConfigSource.of(Map.of("metrics.username", "prometheus",
        "metrics.password", "scrape-secret-123")), "metrics");
    endpoint = MetricsEndpoint.start("test", "127.0.0.1", 0, registry, () -> HealthReport.up(Map.of()), auth);

    HttpResponse<String> none = get("/metrics");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    assertThat(withBasic("/metrics", "prometheus:wrong-password").statusCode()).isEqualTo(401);
    HttpResponse<String> right = withBasic("/metrics", "prometheus:scrape-secret-123");
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(right.body()).contains("testline_test_things_total 3.0");
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(auth.toString()).doesNotContain("scrape-secret-123");
  }

  @Test
  void repeated_wrong_metrics_passwords_get_429_with_retry_after_even_for_the_right_one_until_the_delay_passes()
      throws Exception {
    endpoint.close();
    MetricsAuth auth = MetricsAuth.load(io.testline.config.ConfigSource.of(Map.of("metrics.username", "prometheus",
        "metrics.password", "scrape-secret-123", "metrics.login.maxFailuresPerUser", "3",
        "metrics.login.delay", "2s")), "metrics");
    endpoint = MetricsEndpoint.start("test", "127.0.0.1", 0, registry, () -> HealthReport.up(Map.of()), auth);

    assertThat(get("/metrics").statusCode()).as("no credentials: not a guess").isEqualTo(401);
    for (int i = 0; i < 3; i++) {
      assertThat(withBasic("/metrics", "prometheus:guess-" + i).statusCode()).isEqualTo(401);
    }
    long lockedAt = System.nanoTime();
    HttpResponse<String> refused = withBasic("/metrics", "prometheus:scrape-secret-123");
    assertThat(refused.statusCode()).as("the right password, locked out").isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
        assertThat(Long.parseLong(v)).isBetween(1L, 2L));
    assertThat(refused.body()).startsWith("Too many failed logins: try again in").doesNotContain("scrape-secret");
    assertThat(withBasic("/metrics", "prometheus:guess-3").statusCode()).isEqualTo(429);
    assertThat(get("/health").statusCode()).as("probes are never locked out").isEqualTo(200);

    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .until(() -> withBasic("/metrics", "prometheus:scrape-secret-123").statusCode() == 200);
    assertThat(Duration.ofNanos(System.nanoTime() - lockedAt)).as("the delay passed first")
        .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    String scrape = withBasic("/metrics", "prometheus:scrape-secret-123").body();
    assertThat(scrape).contains("testline_access_login_failures_total{listener=\"metrics\"} 3.0")
        .contains("testline_access_login_lockouts_total{listener=\"metrics\",scope=\"user\"} 1.0")
        .containsPattern("testline_access_login_throttled_total\\{listener=\"metrics\"} [1-9]");
  }

  @Test
  void metrics_credentials_come_both_or_neither_and_errors_name_the_key() {
    assertThat(MetricsAuth.load(io.testline.config.ConfigSource.of(Map.of()), "metrics")).isNull();
    assertThatThrownBy(() -> MetricsAuth.load(io.testline.config.ConfigSource.of(
        Map.of("metrics.username", "prometheus")), "metrics"))
        .hasMessageStartingWith("metrics.password: must be at least");
    assertThatThrownBy(() -> MetricsAuth.load(io.testline.config.ConfigSource.of(
        Map.of("metrics.password", "scrape-secret-123")), "metrics"))
        .hasMessageStartingWith("metrics.username: is required");
  }

  private HttpResponse<String> withBasic(String path, String userPassword) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Basic "
        + java.util.Base64.getEncoder().encodeToString(userPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void a_taken_port_is_refused_with_the_address_in_the_message() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> MetricsEndpoint.start("test", "127.0.0.1", taken.getLocalPort(), registry,
          () -> HealthReport.up(Map.of())))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + endpoint.port() + path);
  }
}
