package io.testline.shopfloor.it;

import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.config.ConfigSource;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.RunFinished;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import io.testline.shopfloor.ShopfloorBridge;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One test's world: fresh topics under a unique prefix, a fresh database, a simulator on a free port, a producer of
 * run.finished events and a reader of the verdicts topic.
 */
public final class Harness implements AutoCloseable {
  public final KafkaBroker kafka;
  public final Database db;
  public final TopicNames topics;
  public final ShopfloorSimulator simulator;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> verdictReader;
  private final List<Event<ShopfloorVerdict>> verdicts = new ArrayList<>();
  private final List<AutoCloseable> bridges = new ArrayList<>();

  public Harness(KafkaBroker kafka, Database db, int partitions) {
    this.kafka = kafka;
    this.db = db;
    this.topics = new TopicNames("t" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".");
    kafka.createTopic(topics.events(), partitions, Map.of());
    kafka.createTopic(topics.verdicts(), partitions, Map.of());
    this.simulator = ShopfloorSimulator.start(0);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.verdictReader = new KafkaConsumer<>(c);
    List<TopicPartition> partitionsOfVerdicts = new ArrayList<>();
    for (PartitionInfo info : verdictReader.partitionsFor(topics.verdicts())) {
      partitionsOfVerdicts.add(new TopicPartition(info.topic(), info.partition()));
    }
    verdictReader.assign(partitionsOfVerdicts);
    verdictReader.seekToBeginning(partitionsOfVerdicts);
  }

  /** Config values for a bridge against this world, fast retries; {@code overrides} win. */
  public Map<String, Object> configValues(Map<String, Object> overrides) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kafka.bootstrapServers", kafka.bootstrapServers());
    m.put("kafka.topicPrefix", topics.prefix());
    m.put("kafka.groupId", topics.prefix() + "shopfloor-bridge");
    m.put("db.url", db.jdbcUrl());
    m.put("db.user", db.user());
    m.put("db.password", db.password());
    m.put("shopfloor.url", simulator.resultsUri().toString());
    m.put("shopfloor.connectTimeout", "500ms");
    m.put("shopfloor.requestTimeout", "2s");
    m.put("dispatch.workers", "8");
    m.put("dispatch.lease", "10s");
    m.put("dispatch.pollInterval", "100ms");
    m.put("retry.initialDelay", "100ms");
    m.put("retry.maxDelay", "2s");
    m.put("retry.deadline", "10m");
    m.put("circuit.openDelay", "1s");
    m.put("rateLimit.permitsPerSecond", "1000");
    m.put("metrics.port", "-1");
    m.putAll(overrides);
    return m;
  }

  public ShopfloorBridgeConfig config(Map<String, Object> overrides) {
    return ShopfloorBridgeConfig.load(ConfigSource.of(configValues(overrides)));
  }

  /** Starts a bridge closed with the harness. */
  public ShopfloorBridge startBridge(Map<String, Object> overrides) {
    ShopfloorBridge bridge = new ShopfloorBridge(config(overrides)).start();
    bridges.add(bridge);
    return bridge;
  }

  /** Writes the config as a YAML file for a bridge in another process or the CLI. */
  public Path writeConfig(Path dir, Map<String, Object> overrides) {
    Map<String, Map<String, Object>> nested = new LinkedHashMap<>();
    configValues(overrides).forEach((k, v) -> {
      int dot = k.indexOf('.');
      nested.computeIfAbsent(k.substring(0, dot), x -> new LinkedHashMap<>()).put(k.substring(dot + 1), v);
    });
    StringBuilder yaml = new StringBuilder();
    nested.forEach((section, values) -> {
      yaml.append(section).append(":\n");
      values.forEach((k, v) -> yaml.append("  ").append(k).append(": \"").append(v).append("\"\n"));
    });
    try {
      return Files.writeString(dir.resolve("shopfloor-bridge.yaml"), yaml.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Publishes run.finished events keyed by serial number, as the MQTT bridge does, and waits for the acks. */
  public void publish(List<Event<RunFinished>> events) {
    for (Event<RunFinished> e : events) {
      ProducerRecord<String, byte[]> record =
          new ProducerRecord<>(topics.events(), e.data().serialNumber(), EventJson.toBytes(e));
      record.headers().add(Topics.HEADER_SCHEMA, e.schema().getBytes(StandardCharsets.UTF_8));
      producer.send(record);
    }
    producer.flush();
  }

  /** Every verdict event read from the verdicts topic so far (reads what is new). */
  @SuppressWarnings("unchecked")
  public synchronized List<Event<ShopfloorVerdict>> verdicts() {
    for (ConsumerRecord<String, byte[]> r : verdictReader.poll(Duration.ofMillis(200))) {
      verdicts.add((Event<ShopfloorVerdict>) EventJson.parse(r.value(), ShopfloorVerdict.class));
    }
    return List.copyOf(verdicts);
  }

  /** The latest verdict event per run. */
  public Map<UUID, Event<ShopfloorVerdict>> latestVerdicts() {
    Map<UUID, Event<ShopfloorVerdict>> latest = new HashMap<>();
    for (Event<ShopfloorVerdict> v : verdicts()) {
      latest.put(v.data().runId(), v);
    }
    return latest;
  }

  public void awaitVerdicts(int runs, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> latestVerdicts().size() >= runs);
  }

  /** Ledger rows per state. */
  public Map<String, Long> ledgerStates() {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state, count(*) FROM shopfloor_submission GROUP BY state")) {
      Map<String, Long> m = new HashMap<>();
      while (rs.next()) {
        m.put(rs.getString(1), rs.getLong(2));
      }
      return m;
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return Map.of();
      }
      throw new IllegalStateException(e);
    }
  }

  public long ledgerCount(String state) {
    return ledgerStates().getOrDefault(state, 0L);
  }

  /** A run's ledger columns by name. */
  public Map<String, Object> ledgerRow(UUID runId) {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state, attempts, verdict_code, verdict_message, verdict_published,"
            + " last_error FROM shopfloor_submission WHERE run_id = '" + runId + "'")) {
      Map<String, Object> row = new HashMap<>();
      if (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
        }
      }
      return row;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Map<UUID, Long> countByRun(List<Event<ShopfloorVerdict>> verdicts) {
    return verdicts.stream().collect(Collectors.groupingBy(v -> v.data().runId(), Collectors.counting()));
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable bridge : bridges) {
      bridge.close();
    }
    producer.close(Duration.ofSeconds(5));
    verdictReader.close(Duration.ofSeconds(5));
    simulator.close();
  }
}
