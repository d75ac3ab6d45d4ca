package io.testline.consumer.support;

import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.config.ConfigSource;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Per-test topics, a producer writing events as the bridge does, and database helpers. */
public final class Env {
  private Env() {}

  /** Fresh topics under a random prefix: events and logs with 4 partitions, state compacted. */
  public static TopicNames topics(KafkaBroker kafka) {
    TopicNames topics = new TopicNames("t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL)
        + ".");
    kafka.createTopic(topics.events(), 4, Map.of());
    kafka.createTopic(topics.logs(), 4, Map.of());
    kafka.createTopic(topics.stationState(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.verdicts(), 2, Map.of());
    kafka.createTopic(topics.deadLetter(), 1, Map.of());
    return topics;
  }

  public static Map<String, Object> configValues(KafkaBroker kafka, TopicNames topics, Database db) {
    Map<String, Object> values = new HashMap<>();
    values.put("kafka.bootstrapServers", kafka.bootstrapServers());
    values.put("kafka.topicPrefix", topics.prefix());
    values.put("kafka.groupId", "results-" + topics.prefix());
    values.put("kafka.pollTimeout", "100ms");
    values.put("db.url", db.jdbcUrl());
    values.put("db.user", db.user());
    values.put("db.password", db.password());
    values.put("db.connectTimeout", "2s");
    values.put("http.host", "127.0.0.1");
    values.put("http.port", "0");
    values.put("metrics.port", "0");
    values.put("retry.initialDelay", "100ms");
    values.put("retry.maxDelay", "2s");
    return values;
  }

  public static ConsumerConfig config(KafkaBroker kafka, TopicNames topics, Database db) {
    return ConsumerConfig.load(ConfigSource.of(configValues(kafka, topics, db)));
  }

  public static KafkaProducer<byte[], byte[]> producer(KafkaBroker kafka) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 10,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The record the bridge would write for {@code event}: topic and key per {@link Topics}, original bytes. */
  public static ProducerRecord<byte[], byte[]> record(TopicNames topics, Event<?> event) {
    byte[] value = EventJson.toBytes(event);
    String key = switch (event.type()) {
      case STATION_BIRTH, STATION_DEATH, STATION_HEARTBEAT -> event.stationId();
      case RUN_LOG -> ((io.testline.schemas.RunLog) event.data()).runId().toString();
      case RUN_ATTACHMENT -> ((io.testline.schemas.RunAttachment) event.data()).runId().toString();
      case RUN_STARTED -> ((io.testline.schemas.RunStarted) event.data()).serialNumber();
      case RUN_STEP -> ((io.testline.schemas.RunStep) event.data()).serialNumber();
      case RUN_FINISHED -> ((io.testline.schemas.RunFinished) event.data()).serialNumber();
      case SHOPFLOOR_VERDICT -> ((io.testline.schemas.ShopfloorVerdict) event.data()).serialNumber();
    };
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.forType(event.type()),
        key.getBytes(StandardCharsets.UTF_8), value);
    record.headers().add(Topics.HEADER_SCHEMA, event.schema().getBytes(StandardCharsets.UTF_8));
    record.headers().add(Topics.HEADER_BRIDGE, "test".getBytes(StandardCharsets.UTF_8));
    return record;
  }

  public static void send(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
    for (ProducerRecord<byte[], byte[]> r : records) {
      producer.send(r, (md, e) -> {
        if (e != null) {
          throw new IllegalStateException("test produce failed", e);
        }
      });
    }
    producer.flush();
  }

  public static long count(Database db, String sql) {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Like {@link #count} but 0 while the database or the table is not there yet. */
  public static long countOrZero(Database db, String sql) {
    try {
      return count(db, sql);
    } catch (IllegalStateException e) {
      return 0;
    }
  }

  /** Waits until {@code processed_events} holds {@code expected} events. */
  public static void awaitProcessed(Database db, long expected, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(500))
        .until(() -> countOrZero(db, "select count(*) from processed_events") >= expected);
  }

  /** The tables a rebuild must reproduce, each with the order that makes its dump canonical. */
  public static final Map<String, String> TABLES = Map.of(
      "stations", "station_id",
      "runs", "run_id",
      "steps", "run_id, step_index",
      "measurements", "run_id, step_index, ordinal",
      "log_chunks", "run_id, chunk",
      "verdicts", "run_id",
      "processed_events", "event_id");

  /** Row count and an MD5 of every row's text, in key order, per table. */
  public static Map<String, String> dump(Database db) {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      for (Map.Entry<String, String> t : TABLES.entrySet()) {
        try (ResultSet rs = s.executeQuery("select count(*), md5(coalesce(string_agg(x::text, E'\\n' order by "
            + t.getValue() + "), '')) from " + t.getKey() + " x")) {
          rs.next();
          out.put(t.getKey(), rs.getLong(1) + " rows, md5 " + rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
