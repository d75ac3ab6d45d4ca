package io.testline.web.support;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.config.ConfigSource;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The central line with its shopfloor half, for the shopfloor, audit and run pages: a {@link Pipeline} (fresh topics,
 * the real result-consumer, the web server that audits from the same Kafka) and the real shopfloor-bridge submitting
 * to the real shopfloor simulator, in the pipeline's database.
 */
public final class ShopfloorLine implements BrowserTest.Line {
  private final Pipeline pipeline;
  private final KafkaBroker kafka;
  private final Database db;
  private final ShopfloorSimulator simulator;
  private final List<WebServer> moreWebs = new java.util.ArrayList<>();
  private ShopfloorBridge bridge;

  public ShopfloorLine(KafkaBroker kafka, Database db) {
    this.kafka = kafka;
    this.db = db;
    pipeline = new Pipeline(kafka, db);
    simulator = ShopfloorSimulator.start(0);
    startBridge(Duration.ofMinutes(10));
  }

  /**
   * (Re)starts the shopfloor-bridge with a retry deadline: a short one makes what the shopfloor does not take DEAD
   * within seconds. The ledger and the consumer group stay, so a new bridge goes on where the last stopped.
   */
  public void startBridge(Duration retryDeadline) {
    stopBridge();
    Map<String, Object> m = new HashMap<>();
    m.put("kafka.bootstrapServers", kafka.bootstrapServers());
    m.put("kafka.topicPrefix", topics().prefix());
    m.put("kafka.groupId", topics().prefix() + "shopfloor-bridge");
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

  @Override
  public URI web() {
    return pipeline.web();
  }

  /**
   * Another web server over the same database, listening on {@code host}, where the API token {@code viewerToken}
   * logs in as a viewer (closed with the line).
   */
  public URI webOn(String host, String viewerToken) {
    io.testline.web.access.WebAccessConfig access = io.testline.web.access.WebAccessConfig.load(
        io.testline.config.ConfigSource.of(java.util.Map.of("web.authToken", viewerToken, "web.tokenRole", "viewer",
            "web.sessionKey", "shopfloor-line-session-key-0123456789abcdef")), false);
    WebServer another = new WebServer(pipeline.dataSource(),
        new WebConfig(host, 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS, null), access,
        new AuditSource(kafkaProps(), topics())).start();
    moreWebs.add(another);
    return URI.create("http://" + host + ":" + another.port() + "/");
  }

  public TopicNames topics() {
    return pipeline.topics();
  }

  public ShopfloorSimulator simulator() {
    return simulator;
  }

  /** What the CLI's {@code --bootstrap-servers} gives the audit. */
  public Map<String, Object> kafkaProps() {
    return pipeline.kafkaProps();
  }

  public Database db() {
    return db;
  }

  public HikariDataSource dataSource() {
    return pipeline.dataSource();
  }

  /** Produces the events in order, as the MQTT bridge writes them; returns where each was written. */
  public List<RecordMetadata> send(List<Event<?>> events) {
    return pipeline.send(events);
  }

  public List<RecordMetadata> send(Event<?>... events) {
    return pipeline.send(events);
  }

  /** A gap record as the bridge's gap detector writes it when seqs of a session never came. */
  public void sendGap(SeqGap gap) {
    pipeline.sendRecord(new ProducerRecord<>(topics().seqGaps(), gap.stationId().getBytes(StandardCharsets.UTF_8),
        EventJson.toBytes(gap)));
  }

  /** A dead letter as the bridge writes one for what it received on {@code mqttTopic} and could not take. */
  public void sendDeadLetter(String mqttTopic, byte[] payload, DeadLetterReason reason, String detail) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topics().deadLetter(), null, payload);
    DeadLetterHeaders.addProvenance(r.headers(), reason, detail, "mqtt-kafka-bridge", null);
    r.headers().add(Topics.HEADER_MQTT_TOPIC, mqttTopic.getBytes(StandardCharsets.UTF_8));
    pipeline.sendRecord(r);
  }

  /** The ledger state of a run's shopfloor submission, or null when the bridge has not taken it in. */
  public String ledgerState(UUID runId) throws SQLException {
    try (Connection c = pipeline.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("select state from shopfloor_submission where run_id = ?")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** How many of {@code runIds} the result database has finished and with the shopfloor's verdict. */
  public long finishedWithVerdict(List<UUID> runIds) throws SQLException {
    try (Connection c = pipeline.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("select count(*) from runs r join verdicts v on v.run_id = r.run_id"
             + " where r.finished and r.run_id = any(?)")) {
      ps.setArray(1, c.createArrayOf("uuid", runIds.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Override
  public void close() {
    moreWebs.forEach(WebServer::close);
    stopBridge();
    simulator.close();
    pipeline.close();
  }

  /** Now, to the millisecond: the window of a test starts and ends here. */
  public static Instant now() {
    return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }
}
