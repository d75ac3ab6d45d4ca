package io.testline.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.testline.cli.Main;
import io.testline.kafka.TopicWindow;
import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Replay of a real pipeline's events topic (standalone mode) for a window between two recorded instants: events
 * published before and after the window stay out; the export carries provenance in JSONL and CSV; --serial filters;
 * --republish-to copies the selection with its source header.
 */
class ReplayIT {
  private static final String STATION = "RPL-01";
  private static final String COPY_TOPIC = "replay-it.copy";

  private final UUID session = Ids.newId();
  private long seq;

  @Test
  void replays_exactly_the_events_of_the_window_with_provenance_filters_and_republishes_them(@TempDir Path tmp)
      throws Exception {
    try (Standalone standalone = new Standalone(StandaloneSettings.onFreePorts(tmp.resolve("data")))) {
      Standalone.Endpoints endpoints = standalone.start();
      Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
      String events = standalone.topics().events();
      Instant start = Instant.now().minusSeconds(1);
      MqttClient station = new MqttClient(endpoints.mqttUri(), "replay-it-station", new MemoryPersistence());
      station.connect(new MqttConnectionOptions());
      List<String> phase1;
      List<String> phase2 = new ArrayList<>();
      List<String> serialC = new ArrayList<>();
      Instant t1;
      Instant t2;
      try {
        phase1 = run(station, "SN-A");
        t1 = boundaryAfter(client, events, start, phase1.size());
        phase2.addAll(run(station, "SN-B"));
        serialC.addAll(run(station, "SN-C"));
        phase2.addAll(serialC);
        t2 = boundaryAfter(client, events, start, phase1.size() + phase2.size());
        List<String> phase3 = run(station, "SN-D");
        awaitCount(client, events, start, phase1.size() + phase2.size() + phase3.size());
      } finally {
        station.disconnect();
        station.close();
      }
      try (Admin admin = Admin.create(client)) {
        admin.createTopics(List.of(new NewTopic(COPY_TOPIC, 1, (short) 1))).all().get();
      }

      Path jsonl = tmp.resolve("out/window.jsonl");
      assertThat(cli("replay", "--from", t1.toString(), "--to", t2.toString(), "--format", "jsonl", "--output",
          jsonl.toString(), "--republish-to", COPY_TOPIC, "--bootstrap-servers", endpoints.kafkaBootstrap()))
          .isZero();
      List<JsonNode> lines = readLines(jsonl);
      assertThat(lines).extracting(l -> l.path("value").path("eventId").asText())
          .containsExactlyInAnyOrderElementsOf(phase2);
      assertThat(lines).allSatisfy(l -> {
        assertThat(l.path("topic").asText()).isEqualTo(events);
        assertThat(l.path("offset").isNumber()).isTrue();
        assertThat(l.path("timestamp").asLong()).isBetween(t1.toEpochMilli(), t2.toEpochMilli() - 1);
        assertThat(Instant.parse(l.path("receivedAt").asText())).isBetween(t1.minusSeconds(5), t2);
        assertThat(l.path("key").asText()).isEqualTo(l.path("value").path("data").path("serialNumber").asText());
      });
      assertThat(lines).extracting(l -> l.path("partition").asInt() * 1_000_000L + l.path("offset").asLong())
          .as("ordered by partition and offset").isSorted();

      Path csv = tmp.resolve("out/window.csv");
      assertThat(cli("replay", "--from", t1.toString(), "--to", t2.toString(), "--format", "csv", "--output",
          csv.toString(), "--bootstrap-servers", endpoints.kafkaBootstrap())).isZero();
      List<Map<String, String>> rows = readCsv(csv);
      assertThat(rows).extracting(r -> r.get("eventId")).containsExactlyInAnyOrderElementsOf(phase2);
      assertThat(rows).allSatisfy(r -> {
        assertThat(r.get("topic")).isEqualTo(events);
        assertThat(r.get("stationId")).isEqualTo(STATION);
        assertThat(r.get("serialNumber")).isIn("SN-B", "SN-C");
        assertThat(r.get("receivedAt")).isNotEmpty();
        assertThat(r.get("schema")).startsWith("testline.run.");
      });
      assertThat(rows).filteredOn(r -> r.get("schema").equals("testline.run.finished/1"))
          .extracting(r -> r.get("outcome")).containsOnly("FAIL").hasSize(2);

      Path onlyC = tmp.resolve("out/sn-c.jsonl");
      assertThat(cli("replay", "--from", t1.toString(), "--to", t2.toString(), "--serial", "SN-C", "--format",
          "jsonl", "--output", onlyC.toString(), "--bootstrap-servers", endpoints.kafkaBootstrap())).isZero();
      assertThat(readLines(onlyC)).extracting(l -> l.path("value").path("eventId").asText())
          .containsExactlyInAnyOrderElementsOf(serialC);

      List<ConsumerRecord<byte[], byte[]>> copies = new ArrayList<>();
      new TopicWindow(client).read(COPY_TOPIC, start, null, copies::add);
      assertThat(copies).extracting(r -> EventJson.mapper().readTree(r.value()).path("eventId").asText())
          .containsExactlyInAnyOrderElementsOf(phase2);
      assertThat(copies).allSatisfy(r -> {
        String source = new String(r.headers().lastHeader(Republisher.SOURCE_HEADER).value(), StandardCharsets.UTF_8);
        assertThat(source).matches(java.util.regex.Pattern.quote(events) + "/\\d+/\\d+");
        assertThat(r.headers().lastHeader(io.testline.schemas.Topics.HEADER_RECEIVED_AT)).isNotNull();
      });
    }
  }

  /** Waits until the topic holds {@code count} events, then returns an instant after all of them, once passed. */
  private static Instant boundaryAfter(Map<String, Object> client, String topic, Instant start, int count) {
    awaitCount(client, topic, start, count);
    Instant boundary = Instant.now().plusMillis(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(boundary.plusMillis(1)));
    return boundary;
  }

  private static void awaitCount(Map<String, Object> client, String topic, Instant start, int count) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
        .until(() -> new TopicWindow(client).read(topic, start, null, r -> { }) == count);
  }

  private static int cli(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  private static List<JsonNode> readLines(Path file) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      lines.add(EventJson.mapper().readTree(line));
    }
    return lines;
  }

  private static List<Map<String, String>> readCsv(Path file) throws Exception {
    try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
        .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile())) {
      return it.readAll();
    }
  }

  /** A started and a failed finished run of {@code serial}; returns their eventIds. */
  private List<String> run(MqttClient client, String serial) throws Exception {
    UUID runId = Ids.newId();
    return List.of(publish(client, "run.started.json", runId, serial), publish(client, "run.finished.json", runId,
        serial));
  }

  private String publish(MqttClient client, String example, UUID runId, String serial) throws Exception {
    ObjectNode event;
    try (InputStream in = ReplayIT.class.getResourceAsStream("/testline/examples/" + example)) {
      event = (ObjectNode) EventJson.mapper().readTree(in);
    }
    String eventId = Ids.newId().toString();
    event.put("eventId", eventId);
    event.put("stationId", STATION);
    event.put("agentSession", session.toString());
    event.put("seq", seq++);
    event.put("occurredAt", Instant.now().toString());
    ((ObjectNode) event.path("data")).put("runId", runId.toString()).put("serialNumber", serial);
    client.publish("testline/v1/" + STATION + "/events", EventJson.mapper().writeValueAsBytes(event), 1, false);
    return eventId;
  }
}
