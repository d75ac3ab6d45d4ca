package io.testline.web.support;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.config.ConfigSource;
import io.testline.consumer.ResultConsumer;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.consumer.store.StoreDataSource;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import io.testline.web.AuditSource;
import io.testline.web.WebConfig;
import io.testline.web.WebServer;
import io.testline.web.access.WebAccessConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The central half of the line for a test: fresh Kafka topics (the sequence-gap and dead-letter topics too), the real
 * result-consumer storing them in a fresh database, and the web server over that database that audits from the same
 * Kafka. {@link #send} writes events as the bridge does.
 */
public final class Pipeline implements BrowserTest.Line {
  private final KafkaBroker kafka;
  private final Database db;
  private final TopicNames topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ResultConsumer consumer;
  private final HikariDataSource dataSource;
  private final WebServer web;

  public Pipeline(KafkaBroker kafka, Database db) {
    this.kafka = kafka;
    this.db = db;
    topics = new TopicNames("w" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL) + ".");
    kafka.createTopic(topics.events(), 2, Map.of());
    kafka.createTopic(topics.logs(), 2, Map.of());
    kafka.createTopic(topics.stationState(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.verdicts(), 1, Map.of());
    kafka.createTopic(topics.deadLetter(), 1, Map.of());
    kafka.createTopic(topics.seqGaps(), 1, Map.of());
    Map<String, Object> values = new HashMap<>();
    values.put("kafka.bootstrapServers", kafka.bootstrapServers());
    values.put("kafka.topicPrefix", topics.prefix());
    values.put("kafka.groupId", "results-" + topics.prefix());
    values.put("kafka.pollTimeout", "50ms");
    values.put("db.url", db.jdbcUrl());
    values.put("db.user", db.user());
    values.put("db.password", db.password());
    values.put("http.host", "127.0.0.1");
    values.put("http.port", "0");
    values.put("metrics.port", "0");
    consumer = ResultConsumer.start(ConsumerConfig.load(ConfigSource.of(values)));
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
        new ByteArraySerializer(), new ByteArraySerializer());
    dataSource = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 4, Duration.ofSeconds(5));
    // the consumer migrates at start; the web only reads, and must not race the schema
    StoreDataSource.migrate(dataSource);
    web = new WebServer(dataSource, new WebConfig("127.0.0.1", 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS,
        URI.create("http://127.0.0.1:" + consumer.httpPort() + "/")), WebAccessConfig.none(),
        new AuditSource(kafkaProps(), topics)).start();
  }

  /** The Kafka topics of this pipeline, for another service (shopfloor-bridge) to join it. */
  public TopicNames topics() {
    return topics;
  }

  @Override
  public URI web() {
    return web.uri();
  }

  public HikariDataSource dataSource() {
    return dataSource;
  }

  public Database db() {
    return db;
  }

  /** What the CLI's {@code --bootstrap-servers} gives the audit. */
  public Map<String, Object> kafkaProps() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
  }

  /** The first column of the first row {@code sql} selects. */
  public Object queryOne(String sql) {
    try (var c = dataSource.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The count {@code sql} selects. */
  public long count(String sql) {
    return ((Number) queryOne(sql)).longValue();
  }

  /** Produces the events in order and waits for Kafka's acknowledgement of each; returns where each was written. */
  public List<RecordMetadata> send(Event<?>... events) {
    return send(List.of(events));
  }

  public List<RecordMetadata> send(List<Event<?>> events) {
    List<RecordMetadata> written = new ArrayList<>(events.size());
    for (Event<?> e : events) {
      written.add(sendRecord(record(topics, e)));
    }
    return written;
  }

  /** Produces one record as it stands (a gap, a dead letter) and waits for Kafka's acknowledgement. */
  public RecordMetadata sendRecord(ProducerRecord<byte[], byte[]> record) {
    return acknowledged(producer.send(record));
  }

  /**
   * Produces many events at once and waits for all acknowledgements; the idempotent producer keeps their order within
   * a partition, which is all the consumer relies on (a serial's events share a key).
   */
  public void sendBatch(List<Event<?>> events) {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (Event<?> e : events) {
      acks.add(producer.send(record(topics, e)));
    }
    acks.forEach(Pipeline::acknowledged);
  }

  private static RecordMetadata acknowledged(Future<RecordMetadata> sent) {
    try {
      return sent.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("test produce failed", e.getCause());
    }
  }

  /** The record the bridge would write for {@code event}: topic and key per {@link Topics}, original bytes. */
  static ProducerRecord<byte[], byte[]> record(TopicNames topics, Event<?> event) {
    String key = switch (event.type()) {
      case STATION_BIRTH, STATION_DEATH, STATION_HEARTBEAT -> event.stationId();
      case RUN_LOG -> ((RunLog) event.data()).runId().toString();
      case RUN_ATTACHMENT -> ((io.testline.schemas.RunAttachment) event.data()).runId().toString();
      case RUN_STARTED -> ((RunStarted) event.data()).serialNumber();
      case RUN_STEP -> ((RunStep) event.data()).serialNumber();
      case RUN_FINISHED -> ((RunFinished) event.data()).serialNumber();
      case SHOPFLOOR_VERDICT -> ((ShopfloorVerdict) event.data()).serialNumber();
    };
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.forType(event.type()),
        key.getBytes(StandardCharsets.UTF_8), EventJson.toBytes(event));
    record.headers().add(Topics.HEADER_SCHEMA, event.schema().getBytes(StandardCharsets.UTF_8));
    record.headers().add(Topics.HEADER_BRIDGE, "test".getBytes(StandardCharsets.UTF_8));
    return record;
  }

  @Override
  public void close() {
    web.close();
    producer.close();
    consumer.close();
    dataSource.close();
  }
}
