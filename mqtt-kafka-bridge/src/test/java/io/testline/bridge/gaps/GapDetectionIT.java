package io.testline.bridge.gaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.testline.bridge.Bridge;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.KafkaCollector;
import io.testline.bridge.support.TestEvents;
import io.testline.bridge.support.TestPublisher;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.EventJson;
import io.testline.schemas.SeqGap;
import io.testline.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gap detector on real brokers: its records, the resend request to the station, and a Kafka outage. */
@ExtendWith(RealBrokers.class)
class GapDetectionIT {

  @Test
  void a_gap_is_recorded_sent_down_to_its_station_and_recorded_filled_when_the_station_resends(KafkaBroker kafka,
      MqttBroker mqtt) throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "gaps");
    String station = "GAP-" + UUID.randomUUID().toString().substring(0, 6);
    UUID session = UUID.randomUUID();
    List<SeqGap> requests = new CopyOnWriteArrayList<>();
    Mqtt5AsyncClient stationClient = Mqtt5Client.builder().identifier(station).serverHost(mqtt.host())
        .serverPort(mqtt.port()).buildAsync();
    try (Bridge bridge = new Bridge(fixture.config("b1"));
        TestPublisher publisher = new TestPublisher(mqtt.host(), mqtt.port(), fixture.shareGroup() + "-pub", 10);
        KafkaCollector gaps = new KafkaCollector(kafka.bootstrapServers(), List.of(fixture.topics().seqGaps()),
            true)) {
      stationClient.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
      stationClient.subscribeWith().topicFilter(Topics.mqttTopic(station, Topics.Kind.RESEND))
          .qos(MqttQos.AT_LEAST_ONCE)
          .callback(p -> requests.add(EventJson.parseSeqGap(p.getPayloadAsBytes())))
          .send().get(10, TimeUnit.SECONDS);
      bridge.start();
      String topic = Topics.mqttTopic(station, Topics.Kind.HEARTBEAT);
      for (long seq : new long[] {0, 1, 4}) { // 2 and 3 lost on the way
        publisher.publish(topic, TestEvents.heartbeat(station, session, seq, UUID.randomUUID()));
      }
      publisher.awaitAcks();

      await().atMost(Duration.ofSeconds(30)).until(() -> !requests.isEmpty());
      SeqGap request = requests.get(0);
      assertThat(request.stationId()).isEqualTo(station);
      assertThat(request.agentSession()).isEqualTo(session);
      assertThat(request.fromSeq()).isEqualTo(2);
      assertThat(request.toSeq()).isEqualTo(3);
      assertThat(request.cause()).isEqualTo(SeqGap.TIMEOUT);
      await().atMost(Duration.ofSeconds(10)).until(() -> gapRecords(gaps).contains(request));

      // the station still journals 2 and 3 and sends them again: the gap is closed
      for (long seq : new long[] {2, 3}) {
        publisher.publish(topic, TestEvents.heartbeat(station, session, seq, UUID.randomUUID()));
      }
      publisher.awaitAcks();
      await().atMost(Duration.ofSeconds(30)).until(() -> gapRecords(gaps).stream().anyMatch(SeqGap::filled));
      assertThat(gapRecords(gaps)).extracting(SeqGap::cause, SeqGap::fromSeq, SeqGap::toSeq)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(SeqGap.TIMEOUT, 2L, 3L),
              org.assertj.core.groups.Tuple.tuple(SeqGap.FILLED, 2L, 3L));
      assertThat(requests).as("a filled gap is not requested").hasSize(1);
    } finally {
      stationClient.disconnect();
    }
  }

  @Test
  void a_gap_found_while_kafka_is_down_is_recorded_once_kafka_is_back(KafkaBroker kafka, MqttBroker mqtt)
      throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "gapsdown");
    String station = "GPD-" + UUID.randomUUID().toString().substring(0, 6);
    UUID session = UUID.randomUUID();
    try (Bridge bridge = new Bridge(fixture.config("b1", Map.of("gaps.grace", "3s", "kafka.maxBlock", "1s")));
        TestPublisher publisher = new TestPublisher(mqtt.host(), mqtt.port(), fixture.shareGroup() + "-pub", 10)) {
      bridge.start();
      String topic = Topics.mqttTopic(station, Topics.Kind.HEARTBEAT);
      for (long seq : new long[] {0, 2}) {
        publisher.publish(topic, TestEvents.heartbeat(station, session, seq, UUID.randomUUID()));
      }
      publisher.awaitAcks();
      await().atMost(Duration.ofSeconds(30)).until(() -> bridge.metrics().forwardedCount() >= 2);
      // the detector has read both, so the gap falls due (3 s grace) while Kafka is down
      await().atMost(Duration.ofSeconds(30)).until(() -> counter(bridge, "testline.bridge.seq.events") >= 2);
      kafka.stop();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> counter(bridge, "testline.bridge.seq.gaps.write.retries") > 0);
        assertThat(counter(bridge, "testline.bridge.seq.gaps")).as("not counted before Kafka has it").isZero();
      } finally {
        kafka.start();
      }
      try (KafkaCollector gaps = new KafkaCollector(kafka.bootstrapServers(), List.of(fixture.topics().seqGaps()),
          true)) {
        await().atMost(Duration.ofSeconds(90)).until(() -> !gapRecords(gaps).isEmpty());
        // and no second copy follows: the pending write is not sent again once it is under way
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> gapRecords(gaps).size() == 1);
        assertThat(gapRecords(gaps)).singleElement().satisfies(g -> {
          assertThat(g.stationId()).isEqualTo(station);
          assertThat(g.fromSeq()).isEqualTo(1);
          assertThat(g.toSeq()).isEqualTo(1);
        });
        assertThat(counter(bridge, "testline.bridge.seq.gaps")).isEqualTo(1);
      }
    }
  }

  private static List<SeqGap> gapRecords(KafkaCollector collector) {
    return collector.records().stream().map(r -> EventJson.parseSeqGap(r.value())).toList();
  }

  private static double counter(Bridge bridge, String name) {
    var counter = bridge.metrics().registry().find(name).counter();
    return counter == null ? 0 : counter.count();
  }
}
