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
import io.testline.brokers.junit.RequiredTools;
import io.testline.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RealBrokers.class)
class BridgeCrashIT {
  private static final int MESSAGES = 40_000;

  @Test
  void loses_nothing_when_a_bridge_process_is_killed_with_kill_9_mid_stream(KafkaBroker kafka, MqttBroker mqtt,
      @TempDir Path dir) throws Exception {
    BridgeFixture fixture = new BridgeFixture(kafka, mqtt, "crash");
    Path config = dir.resolve("bridge.yaml");
    Files.writeString(config, fixture.values("victim", Map.of("gaps.enabled", "false", "http.port", "-1"))
        .entrySet().stream().map(e -> e.getKey() + ": \"" + e.getValue() + "\"").collect(Collectors.joining("\n")));
    Set<UUID> sent = ConcurrentHashMap.newKeySet();
    ExecutorService load = Executors.newSingleThreadExecutor();
    Process victim = startBridgeProcess(config, dir.resolve("victim-1.log"));
    Process restarted = null;
    try (Bridge survivor = new Bridge(fixture.config("survivor", Map.of("gaps.enabled", "false")));
        KafkaCollector collector = new KafkaCollector(kafka.bootstrapServers(), List.of(fixture.topics().events()),
            false);
        TestPublisher publisher = new TestPublisher(mqtt.host(), mqtt.port(), fixture.shareGroup() + "-pub", 1000)) {
      survivor.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> started(dir.resolve("victim-1.log")));
      UUID session = UUID.randomUUID();
      Future<?> publishing = load.submit(() -> {
        for (int i = 0; i < MESSAGES; i++) {
          String station = "CR-" + (i % 10);
          UUID id = UUID.randomUUID();
          sent.add(id);
          publisher.publish(Topics.mqttTopic(station, Topics.Kind.EVENTS),
              TestEvents.step(station, session, i / 10, id, "SN-" + i % 100));
        }
        publisher.awaitAcks();
        return null;
      });
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.distinct() >= MESSAGES / 4);
      if (collector.forwardedBy("victim") == 0 && !mqtt.isMosquitto()) {
        // HiveMQ CE hands a shared subscriber a new batch only when it has nothing in flight and may give the
        // survivor every message: then the kill would hit an idle bridge and prove nothing. mosquitto deals round
        // robin; skipped where it is missing, a failure below where it is installed
        RequiredTools.require("mosquitto");
      }
      assertThat(collector.forwardedBy("victim")).as("records forwarded by the bridge about to be killed")
          .isPositive();
      victim.destroyForcibly().waitFor();
      restarted = startBridgeProcess(config, dir.resolve("victim-2.log"));
      publishing.get();
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> collector.hasAll(sent));
      assertThat(collector.missing(sent)).isZero();
      System.out.printf("kill -9 test: %d messages, %d duplicates in Kafka%n", MESSAGES, collector.duplicates());
    } finally {
      load.shutdownNow();
      victim.destroyForcibly();
      if (restarted != null) {
        restarted.destroy();
        restarted.waitFor();
      }
    }
  }

  /** The child is connected and subscribed once it logs that it started. */
  private static boolean started(Path log) throws java.io.IOException {
    return Files.exists(log) && Files.readString(log).contains("bridge victim started");
  }

  private static Process startBridgeProcess(Path config, Path log) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "io.testline.bridge.cli.Main", "run", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return process;
  }
}
