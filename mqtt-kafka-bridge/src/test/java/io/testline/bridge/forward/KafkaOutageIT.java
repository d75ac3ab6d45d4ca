package io.testline.bridge.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.bridge.Bridge;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.KafkaCollector;
import io.testline.bridge.support.TestEvents;
import io.testline.bridge.support.TestPublisher;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RealBrokers.class)
class KafkaOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final int PER_TICK = 25;
  private static final int TICKS = 120;

  @Test
  void loses_nothing_when_kafka_stops_for_60_seconds_mid_stream(KafkaBroker kafka, MqttBroker mqtt)
      throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "outage");
    Set<UUID> sent = ConcurrentHashMap.newKeySet();
    UUID session = UUID.randomUUID();
    AtomicInteger seq = new AtomicInteger();
    String station = "OUT-" + UUID.randomUUID().toString().substring(0, 6);
    String topic = Topics.mqttTopic(station, Topics.Kind.EVENTS);
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    try (Bridge bridge = new Bridge(fixture.config("b1", Map.of("gaps.enabled", "false")));
        TestPublisher publisher = new TestPublisher(mqtt.host(), mqtt.port(), fixture.shareGroup() + "-pub", 1000)) {
      bridge.start();
      Runnable publishSome = () -> {
        for (int i = 0; i < PER_TICK; i++) {
          UUID id = UUID.randomUUID();
          sent.add(id);
          try {
            publisher.publish(topic, TestEvents.step(station, session, seq.getAndIncrement(), id, "SN-OUT"));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      };
      for (int i = 0; i < 40; i++) {
        publishSome.run();
      }
      publisher.awaitAcks();
      await().atMost(Duration.ofSeconds(30)).until(() -> bridge.metrics().forwardedCount() >= 1000);

      kafka.stop();
      double forwardedAtStop = bridge.metrics().forwardedCount();
      AtomicInteger ticks = new AtomicInteger();
      load.scheduleAtFixedRate(() -> {
        if (ticks.incrementAndGet() <= TICKS) {
          publishSome.run();
        }
      }, 0, OUTAGE.toMillis() / TICKS, TimeUnit.MILLISECONDS);
      await().atMost(OUTAGE.plusSeconds(15)).pollInterval(Duration.ofSeconds(1)).until(() -> ticks.get() > TICKS);
      publisher.awaitAcks();
      // Kafka was down all along: no message of the outage may have been acknowledged to MQTT.
      assertThat(bridge.metrics().inFlight()).isPositive();
      assertThat(bridge.metrics().forwardedCount()).isLessThanOrEqualTo(forwardedAtStop + 500);
      kafka.start();

      for (int i = 0; i < 40; i++) {
        publishSome.run();
      }
      publisher.awaitAcks();
      try (KafkaCollector collector = new KafkaCollector(kafka.bootstrapServers(),
          List.of(fixture.topics().events()), false)) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> collector.hasAll(sent));
        assertThat(collector.missing(sent)).isZero();
        assertThat(sent).hasSize((40 + TICKS + 40) * PER_TICK);
      }
    } finally {
      load.shutdownNow();
      kafka.start();
    }
  }
}
