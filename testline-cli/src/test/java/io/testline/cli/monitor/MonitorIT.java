package io.testline.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.brokers.junit.RequiredTools;
import io.testline.cli.events.EventFilter;
import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import io.testline.cli.tail.EventTail;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station process connected with its Will is killed with SIGKILL: the broker publishes the Will, the monitor's
 * view turns the station OFFLINE and the Kafka tail prints its station.death, over a real pipeline (standalone).
 */
class MonitorIT {
  private static final String STATION = "MON-01";

  @Test
  void a_killed_station_shows_offline_in_the_monitor_and_its_death_in_the_tail(@TempDir Path tmp) throws Exception {
    Path mosquittoSub = RequiredTools.require("mosquitto_sub");
    try (Standalone standalone = new Standalone(StandaloneSettings.onFreePorts(tmp.resolve("data")))) {
      Standalone.Endpoints endpoints = standalone.start();
      LineState state = new LineState(Clock.systemUTC());
      ByteArrayOutputStream tailed = new ByteArrayOutputStream();
      PrintStream tailOut = new PrintStream(tailed, true, StandardCharsets.UTF_8);
      Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
      EventTail tail = new EventTail(client, List.of(standalone.topics().events(),
          standalone.topics().stationState(), standalone.topics().verdicts()), EventFilter.of(STATION, null), false,
          tailOut);
      Thread tailThread = new Thread(tail, "monitor-it-tail");
      UUID session = Ids.newId();
      try (MqttCollector collector = new MqttCollector(endpoints.mqttUri(), state).start(); tail) {
        tailThread.start();
        assertThat(tail.awaitPositioned(Duration.ofSeconds(30))).isTrue();

        Process station = startStationWithWill(mosquittoSub, endpoints.mqttUri(), example("station.death.json", session, 1));
        try {
          publishBirth(endpoints.mqttUri(), example("station.birth.json", session, 0));
          await().atMost(Duration.ofSeconds(20))
              .until(() -> state.station(STATION).map(StationStatus::online).orElse(false));
          assertThat(state.render()).containsPattern(STATION + "\\s+ONLINE");

          station.destroyForcibly(); // SIGKILL: no DISCONNECT, the broker sends the Will
          assertThat(station.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
          station.destroyForcibly();
        }

        await().atMost(Duration.ofSeconds(20))
            .until(() -> !state.station(STATION).map(StationStatus::online).orElse(true));
        assertThat(state.station(STATION).orElseThrow().offlineSince()).isNotNull();
        assertThat(state.render()).containsPattern(STATION + "\\s+OFFLINE since \\S+ \\(Will\\)");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tailed.toString(StandardCharsets.UTF_8)
            .lines().map(EventJsonLine::parse).filter(e -> e.path("schema").asText()
                .equals("testline.station.death/1") && e.path("stationId").asText().equals(STATION)))
            .isNotEmpty());
        assertThat(tailed.toString(StandardCharsets.UTF_8).lines().map(EventJsonLine::parse))
            .as("the tail keeps only MON-01").allSatisfy(e -> assertThat(e.path("stationId").asText())
                .isEqualTo(STATION));
      }
      assertThat(tailThread.isAlive()).as("closing the tail stops its thread").isFalse();
    }
  }

  /**
   * mosquitto_sub as the station: a real process holding an MQTT 5 connection with the death Will; stdbuf makes its
   * debug output (SUBACK: connected and subscribed) line-buffered, and execs it, so the process killed is the client.
   */
  private static Process startStationWithWill(Path mosquittoSub, String mqttUri, String will) throws Exception {
    URI uri = URI.create(mqttUri);
    Process p = new ProcessBuilder("/usr/bin/stdbuf", "-oL", mosquittoSub.toString(), "-V", "mqttv5", "-h", uri.getHost(), "-p",
        String.valueOf(uri.getPort()), "-i", STATION, "-q", "1", "-t", "testline/v1/" + STATION + "/verdict", "-d",
        "--will-topic", "testline/v1/" + STATION + "/death", "--will-payload", will, "--will-qos", "1")
        .redirectErrorStream(true).start();
    AtomicBoolean subscribed = new AtomicBoolean();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.contains("SUBACK")) {
            subscribed.set(true);
          }
        }
      } catch (java.io.IOException e) {
        // the process was killed: its output ends
      }
    }, "monitor-it-station-output");
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(10)).untilTrue(subscribed);
    return p;
  }

  private static void publishBirth(String mqttUri, String birth) throws Exception {
    MqttClient c = new MqttClient(mqttUri, "monitor-it-birth", new MemoryPersistence());
    c.connect(new MqttConnectionOptions());
    try {
      c.publish("testline/v1/" + STATION + "/birth", birth.getBytes(StandardCharsets.UTF_8), 1, true);
    } finally {
      c.disconnect();
      c.close();
    }
  }

  private static String example(String name, UUID session, long seq) throws Exception {
    try (InputStream in = MonitorIT.class.getResourceAsStream("/testline/examples/" + name)) {
      ObjectNode e = (ObjectNode) EventJson.mapper().readTree(in);
      e.put("eventId", Ids.newId().toString()).put("stationId", STATION).put("agentSession", session.toString())
          .put("seq", seq).put("occurredAt", Instant.now().toString());
      return EventJson.mapper().writeValueAsString(e);
    }
  }

  /** A tail line as JSON. */
  private static final class EventJsonLine {
    static com.fasterxml.jackson.databind.JsonNode parse(String line) {
      try {
        return EventJson.mapper().readTree(line);
      } catch (java.io.IOException e) {
        throw new AssertionError("the tail printed a line that is not JSON: " + line, e);
      }
    }
  }
}
