package io.testline.bridge.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.bridge.Bridge;
import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.KafkaCollector;
import io.testline.bridge.support.TestEvents;
import io.testline.bridge.support.TestPublisher;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bridge advertises its MQTT 5 Maximum Packet Size on CONNECT, so even a broker without a packet limit of its
 * own never sends it a packet larger than its bound: it cannot be made to hold one in memory.
 */
@ExtendWith(RealBrokers.class)
class MaximumPacketSizeIT {
  @Test
  void the_broker_sends_the_bridge_no_packet_over_its_advertised_size_and_the_flow_goes_on(KafkaBroker kafka,
      MqttBroker mqtt) throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "maxpacket");
    BridgeConfig config = fixture.config("b1", Map.of("forward.maxMessageBytes", "1500", "gaps.enabled", "false"));
    int advertised = config.forward().maximumPacketSize();
    assertThat(advertised).isEqualTo(1500 + BridgeConfig.Forward.PACKET_OVERHEAD);
    String station = "MPS-" + UUID.randomUUID().toString().substring(0, 6);
    String events = Topics.mqttTopic(station, Topics.Kind.EVENTS);
    UUID session = UUID.randomUUID();
    UUID after = UUID.randomUUID();
    try (Bridge bridge = new Bridge(config);
         KafkaCollector dead = new KafkaCollector(kafka.bootstrapServers(), List.of(fixture.topics().deadLetter()),
             true);
         KafkaCollector forwarded = new KafkaCollector(kafka.bootstrapServers(), List.of(fixture.topics().events()),
             false);
         TestPublisher publisher = new TestPublisher(mqtt.host(), mqtt.port(), fixture.shareGroup() + "-pub", 10)) {
      bridge.start();
      String oversizeForTheBridge = "{\"pad\":\"" + "x".repeat(advertised + 10_000) + "\"}";
      String oversizeForTheTopic = "{\"pad\":\"" + "y".repeat(2_000) + "\"}";
      publisher.publish(events, oversizeForTheBridge.getBytes(StandardCharsets.UTF_8));
      publisher.publish(events, oversizeForTheTopic.getBytes(StandardCharsets.UTF_8));
      publisher.publish(events, TestEvents.step(station, session, 1, after, "SN-1"));
      publisher.awaitAcks();

      await().atMost(Duration.ofSeconds(30)).until(() -> forwarded.hasAll(Set.of(after))
          && dead.records().size() >= 1);
      assertThat(dead.records()).as("only the message within the packet size reached the bridge, dead-lettered")
          .singleElement().satisfies(r -> {
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(oversizeForTheTopic);
            assertThat(ForwardIT.header(r, Topics.HEADER_DLQ_REASON)).isEqualTo(DeadLetterReason.OVERSIZE.name());
          });
    }
  }
}
