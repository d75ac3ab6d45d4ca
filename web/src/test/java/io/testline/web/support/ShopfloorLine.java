package io.testline.web.support;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.config.ConfigSource;
import io.testline.consumer.ResultConsumer;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.consumer.store.StoreDataSource;
import io.testline.kafka.DeadLetterHeaders;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.SeqGap;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import io.testline.shopfloor.ShopfloorBridge;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import io.testline.web.AuditSource;
import io.testline.web.WebConfig;
import io.testline.web.WebServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The central line with its shopfloor half, for the shopfloor and audit pages: fresh topics (the sequence-gap and
 * dead-letter topics too), the real result-consumer, the real shopfloor-bridge submitting to the real shopfloor
 * simulator, both in one fresh database, and the web server over it that audits from the same Kafka.
 */
public final class ShopfloorLine implements AutoCloseable {
  private final KafkaBroker kafka;
  private final Database db;
  private final TopicNames topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ResultConsumer consumer;
  private final ShopfloorSimulator simulator;
  private final HikariDataSource dataSource;
  private final WebServer web;
  private final List<WebServer> moreWebs = new java.util.ArrayList<>();
  private ShopfloorBridge bridge;

  public ShopfloorLine(KafkaBroker kafka, Database db) {
    this.kafka = kafka;
    this.db = db;
    topics = new TopicNames("s" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL) + ".");
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
    consumer = ResultConsumer.start(ConsumerConfig.load(ConfigSource.of(values)));
    simulator = ShopfloorSimulator.start(0);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
        new ByteArraySerializer(), new ByteArraySerializer());
    dataSource = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 4, Duration.ofSeconds(5));
    StoreDataSource.migrate(dataSource);
    startBridge(Duration.ofMinutes(10));
    web = new WebServer(dataSource, new WebConfig("127.0.0.1", 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS,
        URI.create("http://127.0.0.1:" + consumer.httpPort() + "/")),
        io.testline.web.access.WebAccessConfig.none(), new AuditSource(kafkaProps(), topics)).start();
  }

  /**
   * (Re)starts the shopfloor-bridge with a retry deadline: a short one makes what the shopfloor does not take DEAD
   * within seconds. The ledger and the consumer group stay, so a new bridge goes on where the last stopped.
   */
  public void startBridge(Duration retryDeadline) {
    stopBridge();
    Map<String, Object> m = new HashMap<>();
    m.put("kafka.bootstrapServers", kafka.bootstrapServers());
    m.put("kafka.topicPrefix", topics.prefix());
    m.put("kafka.groupId", topics.prefix() + "shopfloor-bridge");
    m.put("db.url", db.jdbcUrl());
    m.put("db.user", db.user());
    m.put("db.password", db.password());
    m.put("shopfloor.url", simulator.resultsUri().toString());
    m.put("shopfloor.connectTimeout", "500ms");
    m.put("shopfloor.requestTimeout", "2s");
    m.put("dispatch.workers", "4");
    m.put("dispatch.lease", "10s");
    m.put("dispatch.pollInterval", "100ms");
    m.put("retry.initialDelay", "100ms");
    m.put("retry.maxDelay", "1s");
    m.put("retry.deadline", retryDeadline.toMillis() + "ms");
    m.put("circuit.failureThreshold", "1000");
    m.put("circuit.failureWindow", "1000");
    m.put("rateLimit.permitsPerSecond", "1000");
    m.put("metrics.port", "-1");
    bridge = new ShopfloorBridge(ShopfloorBridgeConfig.load(ConfigSource.of(m))).start();
  }

  public void stopBridge() {
    if (bridge != null) {
      bridge.close();
      bridge = null;
    }
  }

  public URI web() {
    return web.uri();
  }

  /**
   * Another web server over the same database, listening on {@code host}, where the API token {@code viewerToken}
   * logs in as a viewer (closed with the line).
   */
  public URI webOn(String host, String viewerToken) {
    io.testline.web.access.WebAccessConfig access = io.testline.web.access.WebAccessConfig.load(
        io.testline.config.ConfigSource.of(java.util.Map.of("web.authToken", viewerToken, "web.tokenRole", "viewer",
            "web.sessionKey", "shopfloor-line-session-key-0123456789abcdef")), false);
    WebServer another = new WebServer(dataSource, new WebConfig(host, 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS,
        null), access, new AuditSource(kafkaProps(), topics)).start();
    moreWebs.add(another);
    return URI.create("http://" + host + ":" + another.port() + "/");
  }

  public TopicNames topics() {
    return topics;
  }

  public ShopfloorSimulator simulator() {
    return simulator;
  }

  /** What the CLI's {@code --bootstrap-servers} gives the audit. */
  public Map<String, Object> kafkaProps() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
  }

  public Database db() {
    return db;
  }

  /** Produces the events in order, as the MQTT bridge writes them, and waits for Kafka's acknowledgements. */
  public void send(List<Event<?>> events) {
    for (Event<?> e : events) {
      await(producer.send(Pipeline.record(topics, e)));
    }
  }

  /** A gap record as the bridge's gap detector writes it when seqs of a session never came. */
  public void sendGap(SeqGap gap) {
    await(producer.send(new ProducerRecord<>(topics.seqGaps(), gap.stationId().getBytes(StandardCharsets.UTF_8),
        EventJson.toBytes(gap))));
  }

  /** A dead letter as the bridge writes one for what it received on {@code mqttTopic} and could not take. */
  public void sendDeadLetter(String mqttTopic, byte[] payload, DeadLetterReason reason, String detail) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics.deadLetter(), null, payload);
    DeadLetterHeaders.addProvenance(r.headers(), reason, detail, "mqtt-kafka-bridge", null);
    r.headers().add(Topics.HEADER_MQTT_TOPIC, mqttTopic.getBytes(StandardCharsets.UTF_8));
    await(producer.send(r));
  }

  /** The ledger state of a run's shopfloor submission, or null when the bridge has not taken it in. */
  public String ledgerState(UUID runId) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("select state from shopfloor_submission where run_id = ?")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** How many of {@code runIds} the result database has finished and with the shopfloor's verdict. */
  public long finishedWithVerdict(List<UUID> runIds) throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("select count(*) from runs r join verdicts v on v.run_id = r.run_id"
             + " where r.finished and r.run_id = any(?)")) {
      ps.setArray(1, c.createArrayOf("uuid", runIds.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static RecordMetadata await(Future<RecordMetadata> sent) {
    try {
      return sent.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("test produce failed", e.getCause());
    }
  }

  @Override
  public void close() {
    moreWebs.forEach(WebServer::close);
    web.close();
    stopBridge();
    producer.close();
    consumer.close();
    simulator.close();
    dataSource.close();
  }

  /** Now, to the millisecond: the window of a test starts and ends here. */
  public static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }
}
