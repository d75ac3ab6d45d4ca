package io.testline.bridge.downlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.testline.bridge.Bridge;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.TestEvents;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class VerdictDownlinkIT {

  @Test
  void delivers_a_verdict_from_kafka_to_the_subscribed_station(KafkaBroker kafka, MqttBroker mqtt) throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "downlink");
    String station = "DL-" + UUID.randomUUID().toString().substring(0, 6);
    UUID eventId = UUID.randomUUID();
    byte[] verdict = TestEvents.verdict(station, eventId, "SN-DL");
    List<String> received = new CopyOnWriteArrayList<>();
    Mqtt5AsyncClient stationClient = Mqtt5Client.builder().identifier(station).serverHost(mqtt.host())
        .serverPort(mqtt.port()).buildAsync();
    try (Bridge bridge = new Bridge(fixture.config("b1", Map.of("gaps.enabled", "false")));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      stationClient.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
      stationClient.subscribeWith().topicFilter(Topics.mqttTopic(station, Topics.Kind.VERDICT))
          .qos(MqttQos.AT_LEAST_ONCE)
          .callback(p -> received.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
          .send().get(10, TimeUnit.SECONDS);
      bridge.start();
      producer.send(new ProducerRecord<>(fixture.topics().verdicts(), "SN-DL".getBytes(StandardCharsets.UTF_8),
          verdict)).get();
      await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
      assertThat(received.get(0)).isEqualTo(new String(verdict, StandardCharsets.UTF_8));
      // The bridge sees its own downlink through the uplink filter and must not loop it back into Kafka: it is
      // counted as an echo, acknowledged and dropped. (Not "nothing forwarded": the broker is shared by the test JVM
      // and another test's retained message may reach this bridge's new subscription.)
      await().atMost(Duration.ofSeconds(10)).until(() -> bridge.metrics().registry()
          .get("testline.bridge.messages.downlink.echo").counter().count() == 1.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> bridge.metrics().inFlight() == 0);
      try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
        List<TopicPartition> partitions = reader.partitionsFor(fixture.topics().verdicts()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        assertThat(reader.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum())
            .as("records on the verdict topic: only the one the test produced").isEqualTo(1);
      }
    } finally {
      stationClient.disconnect();
    }
  }
}
