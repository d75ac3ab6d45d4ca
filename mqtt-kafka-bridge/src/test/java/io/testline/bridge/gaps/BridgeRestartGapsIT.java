package io.testline.bridge.gaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.testline.bridge.Bridge;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.KafkaCollector;
import io.testline.bridge.support.TestEvents;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.EventJson;
import io.testline.schemas.Ids;
import io.testline.schemas.SeqGap;
import io.testline.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Restarts of the bridge while a station is connected: each new subscription brings the station's retained birth
 * again, and the restarted gap detector must know every seq Kafka already holds (issue 21, defect 3).
 */
@ExtendWith(RealBrokers.class)
class BridgeRestartGapsIT {

  @Test
  void three_bridge_restarts_with_a_retained_birth_report_no_gap_and_request_no_resend_but_a_real_gap_still_is(
      KafkaBroker kafka, MqttBroker mqtt) throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "restartgaps");
    String station = "RST-" + UUID.randomUUID().toString().substring(0, 6);
    UUID session = Ids.newId();
    UUID birthId = Ids.newId();
    List<SeqGap> requests = new CopyOnWriteArrayList<>();
    Mqtt5AsyncClient stationClient = Mqtt5Client.builder().identifier(station).serverHost(mqtt.host())
        .serverPort(mqtt.port()).buildAsync();
    Bridge bridge = new Bridge(fixture.config("b1"));
    try (KafkaCollector gaps = new KafkaCollector(kafka.bootstrapServers(), List.of(fixture.topics().seqGaps()),
            true);
        KafkaCollector state = new KafkaCollector(kafka.bootstrapServers(),
            List.of(fixture.topics().stationState(), fixture.topics().seqState()), true)) {
      stationClient.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
      stationClient.subscribeWith().topicFilter(Topics.mqttTopic(station, Topics.Kind.RESEND))
          .qos(MqttQos.AT_LEAST_ONCE)
          .callback(p -> requests.add(EventJson.parseSeqGap(p.getPayloadAsBytes())))
          .send().get(10, TimeUnit.SECONDS);
      bridge.start();
      // the station's birth (seq 0) is retained, as the agent publishes it
      stationClient.publishWith().topic(Topics.mqttTopic(station, Topics.Kind.BIRTH)).retain(true)
          .qos(MqttQos.AT_LEAST_ONCE).payload(birth(station, session, birthId)).send().get(10, TimeUnit.SECONDS);
      long seq = 1;
      for (int restart = 0; restart <= 3; restart++) {
        for (int i = 0; i < 5; i++, seq++) {
          heartbeat(stationClient, station, session, seq);
        }
        long next = seq;
        // the detector has read everything and written down what it knows before the bridge goes
        await().atMost(Duration.ofSeconds(30)).until(() -> stateNext(state, station, session) == next);
        if (restart < 3) {
          bridge.close();
          bridge = new Bridge(fixture.config("b1"));
          bridge.start();
        }
      }
      Bridge last = bridge;
      await().atMost(Duration.ofSeconds(30)).until(() -> counter(last, "testline.bridge.seq.events") > 0);
      // for well past the grace period (2 s): nothing is reported, nothing requested
      await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
          .until(() -> gaps.records().isEmpty() && requests.isEmpty());
      long births = state.records().stream().filter(r -> r.topic().equals(fixture.topics().stationState()))
          .filter(r -> birthId.toString().equals(json(r).path("eventId").asText())).count();
      assertThat(births).as("the birth is on Kafka (again after each new subscription, with mosquitto)")
          .isGreaterThanOrEqualTo(1);

      // a seq really lost is still reported, and only that one
      long lost = seq;
      heartbeat(stationClient, station, session, lost + 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> !requests.isEmpty());
      assertThat(requests).singleElement().satisfies(r -> {
        assertThat(r.agentSession()).isEqualTo(session);
        assertThat(r.fromSeq()).isEqualTo(lost);
        assertThat(r.toSeq()).isEqualTo(lost);
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> gaps.records().size() == 1);
    } finally {
      bridge.close();
      // the broker is shared by the test JVM: take the retained birth away so no later test's bridge receives it
      stationClient.publishWith().topic(Topics.mqttTopic(station, Topics.Kind.BIRTH)).retain(true)
          .qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
      stationClient.disconnect();
    }
  }

  private static void heartbeat(Mqtt5AsyncClient client, String station, UUID session, long seq) throws Exception {
    client.publishWith().topic(Topics.mqttTopic(station, Topics.Kind.HEARTBEAT)).qos(MqttQos.AT_LEAST_ONCE)
        .payload(TestEvents.heartbeat(station, session, seq, Ids.newId())).send().get(10, TimeUnit.SECONDS);
  }

  private static byte[] birth(String station, UUID session, UUID eventId) {
    return ("{\"schema\":\"testline.station.birth/1\",\"eventId\":\"" + eventId + "\",\"stationId\":\"" + station
        + "\",\"agentSession\":\"" + session + "\",\"seq\":0,\"occurredAt\":\"" + Instant.now()
        + "\",\"data\":{\"agentVersion\":\"0.1.0\",\"configHash\":\"sha256:00\"}}").getBytes(StandardCharsets.UTF_8);
  }

  /** The newest {@code next} the detector wrote down for the session, or -1. */
  private static long stateNext(KafkaCollector state, String station, UUID session) {
    String key = station + "/" + session;
    long next = -1;
    for (ConsumerRecord<byte[], byte[]> r : state.records()) {
      if (r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
        next = json(r).path("next").asLong();
      }
    }
    return next;
  }

  private static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
    try {
      return EventJson.mapper().readTree(r.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double counter(Bridge bridge, String name) {
    var counter = bridge.metrics().registry().find(name).counter();
    return counter == null ? 0 : counter.count();
  }
}
