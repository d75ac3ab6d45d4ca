package io.testline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.testline.audit.AuditReport;
import io.testline.audit.Auditor;
import io.testline.kafka.TopicWindow;
import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import io.testline.schemas.EventJson;
import io.testline.schemas.SeqGap;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
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
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three restarts of the whole standalone (brokers, database, bridge and services in one process, on the same data
 * folder and ports) while stations with real agents stay connected (issue 21, defect 3): the audit over the whole
 * window is complete, and the bridge asked no station for a seq Kafka already held.
 */
class StandaloneRestartGapsIT {
  private static final Logger log = LoggerFactory.getLogger(StandaloneRestartGapsIT.class);

  @TempDir
  Path tmp;

  @Test
  void three_standalone_restarts_with_stations_connected_leave_a_complete_audit_and_no_resend_of_a_held_seq()
      throws Exception {
    StandaloneSettings settings = new StandaloneSettings(tmp.resolve("data"), Pipeline.freePort(),
        Pipeline.freePort(), Pipeline.freePort(), Pipeline.freePort(), Pipeline.freePort(),
        StandaloneSettings.DEFAULT_PARTITIONS, StandaloneSettings.MqttBrokerChoice.AUTO);
    Instant from = Instant.now().minusSeconds(1);
    List<SeqGap> requests = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
    List<Station> stations = new ArrayList<>();
    Standalone standalone = new Standalone(settings);
    Mqtt5AsyncClient watcher = null;
    try {
      Standalone.Endpoints endpoints = standalone.start();
      watcher = watch(endpoints.mqttUri(), requests, heartbeats);
      Path base = tmp.resolve("stations");
      for (String id : List.of("SAR-01", "SAR-02")) {
        // online between runs (the runs themselves are RestartGapsIT's): birth, heartbeats, goodbye
        Station station = new Station(id, base.resolve(id), base.resolve(id + "/data"), endpoints.mqttUri(), "",
            List.of());
        stations.add(station);
        station.serve();
      }
      awaitHeartbeats(stations, heartbeats);
      for (int restart = 1; restart <= 3; restart++) {
        log.info("restarting the standalone ({} of 3)", restart);
        standalone.close();
        standalone = new Standalone(settings);
        endpoints = standalone.start();
        awaitHeartbeats(stations, heartbeats);
      }
      Map<String, Object> kafka = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
      GapDetectorCatchUp.awaitCaughtUp(kafka, standalone.topics().sequenced());
      Auditor.Db db = new Auditor.Db(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
      Auditor auditor = new Auditor(new Auditor.Sources(kafka, standalone.topics(), db, null), Clock.systemUTC());
      // for twice the grace period (time for a gap to fall due and a station to answer): no open gap
      await().during(Standalone.GAP_GRACE.multipliedBy(2)).atMost(Standalone.GAP_GRACE.multipliedBy(6))
          .pollInterval(Duration.ofSeconds(2)).until(() -> auditor.audit(from, Instant.now()).seqGaps().isEmpty());
      GapDetectorCatchUp.awaitCaughtUp(kafka, standalone.topics().sequenced());

      AuditReport report = auditor.audit(from, Instant.now());
      assertThat(report.seqGaps()).as("open sequence gaps").isEmpty();
      assertThat(report.complete()).as("audit complete (exit 0): %s", report).isTrue();
      // a station may be asked only for seqs Kafka did not hold when the gap was detected
      Map<String, Long> firstOnKafka = firstOnKafka(kafka, standalone);
      for (SeqGap r : requests) {
        for (long seq = r.fromSeq(); seq <= r.toSeq(); seq++) {
          Long first = firstOnKafka.get(r.stationId() + "/" + r.agentSession() + "/" + seq);
          assertThat(first == null || first > r.detectedAt().toEpochMilli())
              .as("resend request %s asks for seq %d which Kafka held since %s", r, seq, first).isTrue();
        }
      }
      log.info("resend requests (each for seqs Kafka lacked): {}", requests);
    } finally {
      for (Station s : stations) {
        s.close();
      }
      if (watcher != null) {
        watcher.disconnect();
      }
      standalone.close();
    }
  }

  /** Per {@code stationId/agentSession/seq}, the timestamp of its first record on the sequenced topics. */
  private static Map<String, Long> firstOnKafka(Map<String, Object> kafka, Standalone standalone) {
    Map<String, Long> first = new HashMap<>();
    TopicWindow window = new TopicWindow(kafka);
    for (String topic : standalone.topics().sequenced()) {
      window.read(topic, Instant.EPOCH, null, r -> {
        try {
          JsonNode e = EventJson.mapper().readTree(r.value());
          first.merge(e.path("stationId").asText() + "/" + e.path("agentSession").asText() + "/"
              + e.path("seq").asLong(), r.timestamp(), Math::min);
        } catch (IOException ignored) {
          // not an event: nothing to hold
        }
      });
    }
    return first;
  }

  private static void awaitHeartbeats(List<Station> stations, Map<String, AtomicInteger> heartbeats) {
    Map<String, Integer> before = new HashMap<>();
    stations.forEach(s -> before.put(s.stationId(), count(heartbeats, s.stationId())));
    await().atMost(Duration.ofSeconds(90)).until(() -> stations.stream()
        .allMatch(s -> count(heartbeats, s.stationId()) >= before.get(s.stationId()) + 2));
  }

  private static int count(Map<String, AtomicInteger> heartbeats, String stationId) {
    AtomicInteger n = heartbeats.get(stationId);
    return n == null ? 0 : n.get();
  }

  /** A persistent MQTT monitor of heartbeats and resend requests that rides through the broker's restarts. */
  private static Mqtt5AsyncClient watch(String mqttUri, List<SeqGap> requests,
      Map<String, AtomicInteger> heartbeats) throws Exception {
    URI uri = URI.create(mqttUri);
    Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("standalone-restart-watcher")
        .serverHost(uri.getHost()).serverPort(uri.getPort()).automaticReconnect()
        .initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(1, TimeUnit.SECONDS).applyAutomaticReconnect()
        .buildAsync();
    client.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL, p -> {
      List<String> levels = p.getTopic().getLevels();
      if ("resend".equals(levels.get(3))) {
        SeqGap request = EventJson.parseSeqGap(p.getPayloadAsBytes());
        log.warn("resend request: {}", request);
        requests.add(request);
      } else if ("heartbeat".equals(levels.get(3))) {
        heartbeats.computeIfAbsent(levels.get(2), k -> new AtomicInteger()).incrementAndGet();
      }
    });
    client.connectWith().cleanStart(false).sessionExpiryInterval(600).send().get(10, TimeUnit.SECONDS);
    client.subscribeWith().addSubscription().topicFilter("testline/v1/+/resend").qos(MqttQos.AT_LEAST_ONCE)
        .applySubscription().addSubscription().topicFilter("testline/v1/+/heartbeat").qos(MqttQos.AT_LEAST_ONCE)
        .applySubscription().send().get(10, TimeUnit.SECONDS);
    return client;
  }
}
