package io.testline.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.audit.AuditReport;
import io.testline.audit.Auditor;
import io.testline.cli.standalone.Standalone;
import io.testline.cli.standalone.StandaloneSettings;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit over a real pipeline (standalone mode: mosquitto, Kafka, PostgreSQL, bridge, consumers, simulator) of a
 * window holding a lost run, a sequence gap and a dead letter reports each of them, and the good runs as complete.
 */
class AuditIT {
  private static final String STATION = "AUD-01";

  @Test
  void reports_a_lost_run_a_sequence_gap_and_a_dead_letter_and_exits_non_zero(@TempDir Path tmp) throws Exception {
    try (Standalone standalone = new Standalone(StandaloneSettings.onFreePorts(tmp.resolve("data")))) {
      Standalone.Endpoints endpoints = standalone.start();
      Instant from = Instant.now().minusSeconds(1);
      UUID session = Ids.newId();
      UUID good = Ids.newId();
      UUID lost = Ids.newId();
      UUID afterGap = Ids.newId();
      MqttClient station = new MqttClient(endpoints.mqttUri(), "audit-it-station", new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      station.connect(options);
      try {
        publish(station, "run.started.json", session, 0, good, "SN-GOOD");
        publish(station, "run.finished.json", session, 1, good, "SN-GOOD");
        publish(station, "run.started.json", session, 2, lost, "SN-LOST");
        // seq 3 never arrives: a gap
        publish(station, "run.started.json", session, 4, afterGap, "SN-AFTER");
        publish(station, "run.finished.json", session, 5, afterGap, "SN-AFTER");
        station.publish("testline/v1/" + STATION + "/events", "{not json".getBytes(StandardCharsets.UTF_8), 1, false);
      } finally {
        station.disconnect();
        station.close();
      }

      // a gap record for seqs Kafka holds (as a gap detector that had lost its state wrote after a restart): no gap
      try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(Map.of(
          CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()),
          new org.apache.kafka.common.serialization.StringSerializer(),
          new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(standalone.topics().seqGaps(), STATION,
            EventJson.toBytes(new io.testline.schemas.SeqGap(STATION, session, 0, 1, Instant.now(),
                io.testline.schemas.SeqGap.TIMEOUT)))).get();
      }

      Auditor auditor = new Auditor(new Auditor.Sources(
          Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()), standalone.topics(),
          new Auditor.Db(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()), null), Clock.systemUTC());
      AuditReport[] last = new AuditReport[1];
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
        last[0] = auditor.audit(from, Instant.now().plusSeconds(1));
        return last[0].storedWithoutVerdict().isEmpty() && last[0].runs().size() == 3
            && !last[0].seqGaps().isEmpty() && last[0].deadLetterCount() > 0;
      });
      AuditReport report = last[0];

      assertThat(report.complete()).isFalse();
      assertThat(report.startedNotFinished()).extracting(AuditReport.Run::runId).containsExactly(lost);
      assertThat(report.finishedNotStored()).isEmpty();
      assertThat(report.runs()).filteredOn(AuditReport.Run::finished)
          .extracting(AuditReport.Run::runId, AuditReport.Run::stored, AuditReport.Run::verdict)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(good, true, "ACCEPTED"),
              org.assertj.core.groups.Tuple.tuple(afterGap, true, "ACCEPTED"));
      assertThat(report.seqGaps()).extracting(AuditReport.Gap::stationId, AuditReport.Gap::agentSession,
          AuditReport.Gap::fromSeq, AuditReport.Gap::toSeq)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(STATION, session.toString(), 3L, 3L));
      assertThat(report.deadLetters()).containsEntry("MALFORMED_JSON", 1L);
      assertThat(report.deadLetterSamples()).extracting(AuditReport.DeadLetterRef::mqttTopic)
          .containsExactly("testline/v1/" + STATION + "/events");

      String markdown = AuditReportWriter.write(report, tmp.resolve("report"));
      assertThat(markdown).contains("**INCOMPLETE**", lost.toString(), "MALFORMED_JSON", "| " + STATION + " | ");
      Path passwordFile = Files.writeString(tmp.resolve("db-password"), endpoints.dbPassword() + "\n");
      int exit = new picocli.CommandLine(new io.testline.cli.Main()).execute("audit", "--from", from.toString(),
          "--bootstrap-servers", endpoints.kafkaBootstrap(), "--db-url", endpoints.jdbcUrl(), "--db-user",
          endpoints.dbUser(), "--db-password-file", passwordFile.toString(), "--output", tmp.resolve("cli").toString());
      assertThat(exit).as("the audit command exits non-zero on an incomplete window").isEqualTo(1);
      assertThat(tmp.resolve("cli").resolve("audit.json")).exists();
    }
  }

  /** An example document of the contract made into this station's event. */
  private static void publish(MqttClient client, String example, UUID session, long seq, UUID runId, String serial)
      throws Exception {
    ObjectNode event;
    try (InputStream in = AuditIT.class.getResourceAsStream("/testline/examples/" + example)) {
      event = (ObjectNode) EventJson.mapper().readTree(in);
    }
    event.put("eventId", Ids.newId().toString());
    event.put("stationId", STATION);
    event.put("agentSession", session.toString());
    event.put("seq", seq);
    event.put("occurredAt", Instant.now().toString());
    ObjectNode data = (ObjectNode) event.path("data");
    data.put("runId", runId.toString());
    data.put("serialNumber", serial);
    client.publish("testline/v1/" + STATION + "/events", EventJson.mapper().writeValueAsBytes(event), 1, false);
  }
}
