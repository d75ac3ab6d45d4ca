package io.testline.bridge.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.bridge.Bridge;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.bridge.support.BridgeFixture;
import io.testline.bridge.support.TestEvents;
import io.testline.bridge.support.TestPublisher;
import io.testline.bridge.topics.ReplicationCheck;
import io.testline.bridge.topics.TopicAdmin;
import io.testline.bridge.topics.TopicCatalog;
import io.testline.brokers.KafkaCluster;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.config.ConfigException;
import io.testline.schemas.EventJson;
import io.testline.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bridge on a real three-node Kafka cluster (separate JVMs): replication is checked at start, and a kill -9 of a
 * partition leader mid-stream loses and duplicates nothing. The check runs first, while all three nodes are up.
 */
@ExtendWith(RealBrokers.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderFailoverIT {
  private static final Map<String, String> REPLICATED = Map.of(
      "topics.replicationFactor", "3", "topics.minInsyncReplicas", "2");
  private static final int STATIONS = 6;
  private static final int PER_TICK = 6;
  private static final Duration TICK = Duration.ofMillis(20);
  private static final Duration BEFORE_KILL = Duration.ofSeconds(5);
  private static final Duration AFTER_KILL = Duration.ofSeconds(15);
  /** How long forwarding may stall after the kill: the bound of "no producer stuck". */
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

  private static KafkaCluster cluster;

  @BeforeAll
  static void startCluster() {
    // a crashed broker is fenced after 4 s without heartbeat (Kafka's default: 9 s), so the test stays short
    cluster = KafkaCluster.builder().brokerConfig("broker.session.timeout.ms", "4000")
        .brokerConfig("broker.heartbeat.interval.ms", "500").build();
    cluster.start();
  }

  @AfterAll
  static void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void refuses_to_start_on_topics_replicated_less_than_required_unless_told_to_accept(MqttBroker mqtt)
      throws Exception {
    BridgeFixture underReplicated = new BridgeFixture(cluster, mqtt, "underrep"); // RF 1, min ISR 1
    try (Bridge bridge = new Bridge(underReplicated.config("b1", REPLICATED))) {
      assertThatThrownBy(bridge::start).isInstanceOf(ConfigException.class)
          .hasMessageContaining("topics.replicationFactor: topic " + underReplicated.topics().events()
              + " has 1 replica(s), fewer than the required 3")
          .hasMessageContaining("topics.minInsyncReplicas")
          .hasMessageContaining("topics.acceptUnderReplicated");
    }
    Map<String, String> accepted = new HashMap<>(REPLICATED);
    accepted.put("topics.acceptUnderReplicated", "true");
    try (Bridge bridge = new Bridge(underReplicated.config("b2", accepted))) {
      bridge.start();
      assertThat(bridge.health().isUp()).isTrue();
    }

    BridgeFixture replicated = new BridgeFixture(cluster, mqtt, "rep", REPLICATED);
    try (TopicAdmin admin = new TopicAdmin(KafkaClientProps.admin(replicated.config("admin")))) {
      assertThat(admin.brokerCount()).isEqualTo(3);
      assertThat(admin.replication(TopicCatalog.of(replicated.config("admin"), 3)))
          .hasSize(7).containsEntry(replicated.topics().events(), new ReplicationCheck.Actual(3, 2));
    }
    try (Bridge bridge = new Bridge(replicated.config("b3", REPLICATED))) {
      bridge.start();
    }
  }

  @Test
  @Order(2)
  void kill_9_of_the_busiest_partitions_leader_loses_and_duplicates_nothing(MqttBroker mqtt) throws Exception {
    BridgeFixture fixture = new BridgeFixture(cluster, mqtt, "failover", REPLICATED);
    String eventsTopic = fixture.topics().events();
    Set<UUID> sent = ConcurrentHashMap.newKeySet();
    List<String> stations = new ArrayList<>();
    List<UUID> sessions = new ArrayList<>();
    for (int i = 0; i < STATIONS; i++) {
      stations.add("FO-" + i + "-" + UUID.randomUUID().toString().substring(0, 4));
      sessions.add(UUID.randomUUID());
    }
    AtomicInteger seq = new AtomicInteger();
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    Map<String, String> bridgeKeys = new HashMap<>(REPLICATED);
    bridgeKeys.putAll(Map.of("gaps.enabled", "false", "downlink.enabled", "false"));
    try (Bridge bridge = new Bridge(fixture.config("b1", bridgeKeys));
        TestPublisher publisher = new TestPublisher(mqtt.host(), mqtt.port(), fixture.shareGroup() + "-pub", 2000)) {
      bridge.start();
      Progress progress = new Progress(bridge);
      AtomicInteger ticks = new AtomicInteger();
      int totalTicks = (int) (BEFORE_KILL.plus(AFTER_KILL).toMillis() / TICK.toMillis());
      load.scheduleAtFixedRate(() -> {
        if (ticks.incrementAndGet() > totalTicks) {
          return;
        }
        try {
          for (int i = 0; i < PER_TICK; i++) {
            int s = seq.getAndIncrement();
            int station = s % STATIONS;
            UUID id = UUID.randomUUID();
            sent.add(id);
            publisher.publish(Topics.mqttTopic(stations.get(station), Topics.Kind.EVENTS), TestEvents.step(
                stations.get(station), sessions.get(station), s / STATIONS, id, "SN-" + stations.get(station)));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);

      await().atMost(BEFORE_KILL.plusSeconds(30)).until(() -> ticks.get() * TICK.toMillis() >= BEFORE_KILL.toMillis());
      int busiest = busiestPartition(eventsTopic);
      int leader = cluster.leaderOf(eventsTopic, busiest).orElseThrow();
      int inFlightAtKill = bridge.metrics().inFlight();
      double forwardedAtKill = bridge.metrics().forwardedCount();
      long killedAt = System.nanoTime();
      cluster.kill9(leader);

      await().atMost(RECOVERY_BOUND).until(() -> bridge.metrics().forwardedCount() > forwardedAtKill + 500);
      await().atMost(RECOVERY_BOUND).until(() -> cluster.leaderOf(eventsTopic, busiest)
          .filter(l -> l != leader).isPresent());
      await().atMost(AFTER_KILL.plusSeconds(30)).until(() -> ticks.get() > totalTicks);
      publisher.awaitAcks();
      await().atMost(RECOVERY_BOUND).until(() -> bridge.metrics().inFlight() == 0);
      long stallMs = progress.longestStallAfter(killedAt);
      progress.close();
      System.out.printf("leader failover: killed node %d (leader of %s-%d) with %d messages in flight; forwarding "
              + "stalled at most %d ms after the kill; max in flight after it %d; produce retries %s; sent %d%n",
          leader, eventsTopic, busiest, inFlightAtKill, stallMs, progress.maxInFlightAfter(killedAt),
          bridge.metrics().registry().find("testline.bridge.produce.retries").counter().count(), sent.size());
      assertThat(stallMs).isLessThan(RECOVERY_BOUND.toMillis());

      Map<String, Integer> perEventId = new HashMap<>();
      Map<String, Integer> perStationSeq = new HashMap<>();
      readCommitted(eventsTopic, sent.size(), value -> {
        perEventId.merge(value.get("eventId").asText(), 1, Integer::sum);
        perStationSeq.merge(value.get("stationId").asText() + "/" + value.get("seq").asLong(), 1, Integer::sum);
      });
      assertThat(sent).hasSize(totalTicks * PER_TICK);
      assertThat(sent.stream().map(UUID::toString).filter(id -> !perEventId.containsKey(id))).isEmpty();
      assertThat(perEventId.entrySet().stream().filter(e -> e.getValue() > 1)).isEmpty();
      assertThat(perStationSeq).hasSize(sent.size());
      assertThat(perStationSeq.values()).allMatch(n -> n == 1);
    } finally {
      load.shutdownNow();
    }
  }

  private static int busiestPartition(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return consumer.endOffsets(partitions, Duration.ofSeconds(30)).entrySet().stream()
          .max(Map.Entry.comparingByValue()).orElseThrow().getKey().partition();
    }
  }

  /** Reads the topic from the start, as a read_committed consumer, until {@code expected} records have come. */
  private static void readCommitted(String topic, int expected, java.util.function.Consumer<JsonNode> each) {
    AtomicInteger read = new AtomicInteger();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          each.accept(EventJson.mapper().readTree(r.value()));
          read.incrementAndGet();
        }
        return read.get() >= expected && consumer.poll(Duration.ofMillis(500)).isEmpty();
      });
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Samples the bridge's forwarded count and in-flight messages every 10 ms. */
  private static final class Progress implements AutoCloseable {
    private record Sample(long nanos, double forwarded, int inFlight) {}

    private final List<Sample> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

    Progress(Bridge bridge) {
      sampler.scheduleAtFixedRate(() -> samples.add(new Sample(System.nanoTime(),
          bridge.metrics().forwardedCount(), bridge.metrics().inFlight())), 0, 10, TimeUnit.MILLISECONDS);
    }

    /** The longest time after {@code from} in which the forwarded count did not grow. */
    long longestStallAfter(long from) {
      long longest = 0;
      long since = from;
      double last = -1;
      for (Sample s : samples) {
        if (s.nanos() < from) {
          last = s.forwarded();
          continue;
        }
        if (s.forwarded() > last) {
          longest = Math.max(longest, s.nanos() - since);
          since = s.nanos();
          last = s.forwarded();
        }
      }
      return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    int maxInFlightAfter(long from) {
      return samples.stream().filter(s -> s.nanos() >= from).mapToInt(Sample::inFlight).max().orElse(0);
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }
}
