package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.testline.audit.AuditReport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts of the central bridge and of station agents while stations are connected (issue 21, defect 3): every new
 * subscription of the bridge brings each station's retained birth again, and every restart of the bridge restarts
 * its gap detector. Nothing is lost, so nothing may be reported: no gap record, no resend request to a station, and
 * {@code testline audit} over the whole window exits 0.
 */
class RestartGapsIT {
  private static final Logger log = LoggerFactory.getLogger(RestartGapsIT.class);
  /** The pipeline's gaps.grace. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  @TempDir
  Path tmp;

  @Test
  void bridge_and_agent_restarts_with_stations_connected_report_no_gap_request_no_resend_and_the_audit_exits_0()
      throws Exception {
    Instant from = Instant.now().minusSeconds(1);
    List<Station> stations = new ArrayList<>();
    List<String> resendRequests = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
    Pipeline.Options defaults = Pipeline.Options.defaults();
    // a killed bridge's gap detector leaves the group after the session timeout (45 s by default); 6 s is the least
    // the broker is never stopped here, so HiveMQ CE embedded stands for mosquitto where that is not installed
    Pipeline.Options options = new Pipeline.Options(defaults.mqtt(), defaults.kafka(), defaults.kafkaClient(),
        Map.of("kafka.client.session.timeout.ms", "6000"), defaults.consumer(), defaults.shopfloor())
        .onHiveMqWithoutMosquitto();
    try (Pipeline pipeline = new Pipeline(tmp.resolve("pipeline"), options)) {
      Mqtt5AsyncClient watcher = watch(pipeline.mqttUri(), resendRequests, heartbeats);
      try {
        Path base = tmp.resolve("stations");
        for (String id : List.of("RST-01", "RST-02")) {
          stations.add(new Station(id, base.resolve(id), base.resolve(id + "/data"), pipeline.mqttUri(), "",
              List.of()).start());
        }
        // one run each (events, logs, a verdict), then the stations stay online between runs
        for (Station s : stations) {
          s.awaitAttempts(1, 120_000);
        }
        for (Station s : stations) {
          s.stopRuns();
          s.serve();
        }
        awaitHeartbeats(stations, heartbeats);

        // three restarts of the bridge: crash, clean stop, crash; agents restarted between them, cleanly and not
        restartBridge(pipeline, true);
        awaitHeartbeats(stations, heartbeats);
        stations.get(0).stopServing(false);
        stations.get(0).serve();
        restartBridge(pipeline, false);
        awaitHeartbeats(stations, heartbeats);
        stations.get(1).stopServing(true);
        stations.get(1).serve();
        restartBridge(pipeline, true);
        awaitHeartbeats(stations, heartbeats);

        // the gap detector has read all of it, and the grace period has passed twice over
        GapDetectorCatchUp.awaitCaughtUp(pipeline.kafkaProps(), pipeline.topics().sequenced());
        await().during(GRACE.multipliedBy(2)).atMost(GRACE.multipliedBy(4))
            .until(resendRequests::isEmpty);
        GapDetectorCatchUp.awaitCaughtUp(pipeline.kafkaProps(), pipeline.topics().sequenced());

        AuditReport report = pipeline.audit(from, Instant.now());
        assertThat(report.seqGaps()).as("sequence gaps after restarts that lost nothing").isEmpty();
        assertThat(report.runs()).as("runs audited").hasSizeGreaterThanOrEqualTo(stations.size());
        assertThat(resendRequests).as("resend requests for seqs Kafka holds").isEmpty();
        // and the command itself, as an operator runs it
        assertThat(auditExitCode(pipeline, from)).as("testline audit exit code").isZero();
      } finally {
        for (Station s : stations) {
          s.close();
        }
        watcher.disconnect();
      }
    }
  }

  private static void restartBridge(Pipeline pipeline, boolean crash) throws Exception {
    log.info("restarting the bridge ({})", crash ? "kill -9" : "SIGTERM");
    if (crash) {
      pipeline.bridge().kill9();
    } else {
      pipeline.bridge().close();
    }
    pipeline.bridge().start();
    pipeline.bridge().awaitReady(120_000);
  }

  /** Each station has sent at least two more heartbeats (2 s apart) since the call. */
  private static void awaitHeartbeats(List<Station> stations, Map<String, AtomicInteger> heartbeats) {
    Map<String, Integer> before = new HashMap<>();
    stations.forEach(s -> before.put(s.stationId(), count(heartbeats, s.stationId())));
    await().atMost(Duration.ofSeconds(60)).until(() -> stations.stream()
        .allMatch(s -> count(heartbeats, s.stationId()) >= before.get(s.stationId()) + 2));
  }

  private static int count(Map<String, AtomicInteger> heartbeats, String stationId) {
    AtomicInteger n = heartbeats.get(stationId);
    return n == null ? 0 : n.get();
  }

  /** Watches the stations' heartbeats and the bridge's resend requests, as any MQTT monitor could. */
  private static Mqtt5AsyncClient watch(String mqttUri, List<String> resendRequests,
      Map<String, AtomicInteger> heartbeats) throws Exception {
    URI uri = URI.create(mqttUri);
    Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("restart-gaps-watcher").serverHost(uri.getHost())
        .serverPort(uri.getPort()).automaticReconnectWithDefaultConfig().buildAsync();
    client.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
    client.subscribeWith().topicFilter("testline/v1/+/resend").qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> {
          String request = p.getTopic() + " " + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
          log.warn("resend request: {}", request);
          resendRequests.add(request);
        })
        .send().get(10, TimeUnit.SECONDS);
    client.subscribeWith().topicFilter("testline/v1/+/heartbeat").qos(MqttQos.AT_MOST_ONCE)
        .callback(p -> heartbeats.computeIfAbsent(p.getTopic().getLevels().get(2), k -> new AtomicInteger())
            .incrementAndGet())
        .send().get(10, TimeUnit.SECONDS);
    return client;
  }

  /** {@code testline audit} as its own process over the whole window; its exit code. */
  private static int auditExitCode(Pipeline pipeline, Instant from) throws Exception {
    Path out = pipeline.bridge().log().resolveSibling("audit");
    ProcessBuilder audit = new ProcessBuilder(ServiceJvm.javaBin(), "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), "io.testline.cli.Main", "audit", "--from", from.toString(),
        "--bootstrap-servers", pipeline.kafka().bootstrapServers(), "--db-url", pipeline.jdbcUrl(),
        "--db-user", pipeline.postgres().user(), "--output", out.toString())
        .redirectErrorStream(true).redirectOutput(out.resolveSibling("audit.log").toFile());
    // the password as plant IT passes it: from the environment, never on the command line
    audit.environment().put("TESTLINE_DB_PASSWORD", pipeline.postgres().password());
    Process p = audit.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException("testline audit did not finish in 120 s");
    }
    log.info("testline audit exited {}:\n{}", p.exitValue(),
        java.nio.file.Files.readString(out.resolveSibling("audit.log")));
    return p.exitValue();
  }
}
