package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code testline-agent serve} exposes its metrics for Prometheus on {@code metrics.port}. */
@ExtendWith(RealBrokers.class)
class MetricsIT {
  private static final Pattern DEPTH = Pattern.compile("^testline_agent_journal_depth(?:\\{[^}]*})? (\\S+)$",
      Pattern.MULTILINE);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void metrics_endpoint_of_serve_shows_the_journal_depth_rising_in_an_outage_and_draining_after(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    int port = freePort();
    TestStation station = new TestStation(tmp, broker, "metrics:\n  port: " + port + "\n", "0s");
    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      broker.stop();
      try (AgentJvm serve = AgentJvm.start(tmp.resolve("serve.out"), "serve", "--config",
          station.configFile.toString())) {
        try {
          // serve must hold the journal's publisher role before the run starts: a run that got there first publishes
          // its own events, and serve, finding another publisher, exits with "serve is not needed twice"
          await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> scrape(metrics) != null);
          // a run while the broker is down: its events wait in the journal
          TestStation.Result run = station.run("SN-METRICS", "--", "sh", "-c", "echo journaled");
          assertThat(run.exitCode()).as(run.err()).isZero();
          await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
              .until(() -> journalDepth(scrape(metrics)).orElse(0) >= 3);
          String body = scrape(metrics);
          assertThat(body).contains("testline_agent_journal_bytes", "testline_agent_mqtt_reconnects_total",
              "jvm_memory_used_bytes");
        } finally {
          broker.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> journalDepth(scrape(metrics)).orElse(-1) == 0);
        assertThat(scrape(metrics)).contains("testline_agent_publish_latency_seconds");
        assertThat(serve.stop()).as(serve.output()).isZero();
      }
    }
  }

  private String scrape(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("text/plain"));
    return response.body();
  }

  private static OptionalDouble journalDepth(String body) {
    Matcher m = DEPTH.matcher(body);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
