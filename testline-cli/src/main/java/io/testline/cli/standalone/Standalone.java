package io.testline.cli.standalone;

import io.testline.bridge.Bridge;
import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.bridge.topics.TopicAdmin;
import io.testline.bridge.topics.TopicCatalog;
import io.testline.brokers.DataDirLock;
import io.testline.brokers.EmbeddedKafkaBroker;
import io.testline.brokers.EmbeddedPostgresServer;
import io.testline.brokers.HiveMqEmbeddedBroker;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.KafkaCluster;
import io.testline.brokers.MosquittoBroker;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.PortGuard;
import io.testline.brokers.ShutdownHooks;
import io.testline.config.ConfigSource;
import io.testline.consumer.ResultConsumer;
import io.testline.consumer.config.ConsumerConfig;
import io.testline.schemas.TopicNames;
import io.testline.shopfloor.ShopfloorBridge;
import io.testline.shopfloor.config.ShopfloorBridgeConfig;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * testline in one process: real Kafka (KRaft), a real MQTT 5 broker (mosquitto when installed, else HiveMQ CE
 * embedded), real PostgreSQL, and the MQTT-Kafka bridge, result-consumer with its query API, shopfloor-bridge and
 * shopfloor simulator, each built exactly as its own {@code main()} builds it. Data lives in
 * {@link StandaloneSettings#dataDir()} and survives a restart.
 */
public final class Standalone implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Standalone.class);
  /** What a user at the terminal must see even when the services log to a file (conf/logback-service.xml). */
  private static final Logger terminal = LoggerFactory.getLogger("io.testline.terminal.standalone");

  /** Where each part listens, for the operator and for the demo's stations. */
  public record Endpoints(String mqttUri, String mqttBroker, String kafkaBootstrap, String jdbcUrl, String dbUser,
      String dbPassword, URI queryApi, URI shopfloorSimulator, int bridgeHttpPort, int consumerMetricsPort,
      int shopfloorMetricsPort, URI web) {

    /** Where each part listens, one line each, for the operator. */
    public String describe() {
      return String.join("\n",
          "  MQTT broker        " + mqttUri + "  (" + mqttBroker + "; stations connect here)",
          "  Kafka              " + kafkaBootstrap,
          "  PostgreSQL         " + jdbcUrl + "  (user " + dbUser + ")",
          "  query API          " + queryApi + "api/runs, " + queryApi + "api/stations, " + queryApi + "api/yield",
          "  shopfloor (sim.)   " + shopfloorSimulator + "/results, stats at " + shopfloorSimulator + "/sim/stats",
          "  bridge metrics     http://127.0.0.1:" + bridgeHttpPort + "/metrics and /health",
          "  result-consumer    http://127.0.0.1:" + consumerMetricsPort + "/metrics and /health",
          "  shopfloor-bridge   http://127.0.0.1:" + shopfloorMetricsPort + "/metrics and /health",
          "  web interface      " + web + "  (the line, runs, units, shopfloor, audit)") + "\n";
    }

    /** Never prints the database password. */
    @Override
    public String toString() {
      return "Endpoints[" + describe().strip().replaceAll("\\s*\\n\\s*", "; ").replaceAll(" {2,}", " ") + "]";
    }
  }

  /**
   * Kafka consumer-group settings for standalone's own consumers (each is the only member of its group). After a
   * kill -9, the killed run's members stayed in their groups until their session timed out (45 s by default): a
   * restart's consumers waited for them, and a stop in that time ran into each consumer's close timeout with "Close
   * timed out with 2 pending requests" (the 42 s stop of issue 21). As static members (KIP-345) with a fixed
   * instance id, a restart's consumer takes the old member's place at once, without a rebalance; the 10 s session
   * every testline consumer has (KafkaClientProperties) lets a member of a run that is gone for good expire sooner.
   * Producers and admin clients of the same service ignore this key (logged at INFO as unused).
   */
  static final Map<String, Object> GROUP_SETTINGS = Map.of("kafka.client.group.instance.id", "standalone");

  /** How long a missing seq may stay missing before the bridge reports a gap. */
  public static final java.time.Duration GAP_GRACE = java.time.Duration.ofSeconds(5);

  private final StandaloneSettings settings;
  private final TopicNames topics = new TopicNames("");
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private Endpoints endpoints;
  private ShopfloorSimulator simulator;
  private boolean closed;
  private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

  public Standalone(StandaloneSettings settings) {
    this.settings = settings;
  }

  /** Starts every part in dependency order; on failure stops what had started and rethrows. */
  public synchronized Endpoints start() throws InterruptedException {
    if (endpoints != null) {
      return endpoints;
    }
    // one owner of shutdown: at JVM exit the services stop before the servers they use (ShutdownHooks closes the
    // servers only after its owners)
    ShutdownHooks.closeAtExit(this);
    try {
      return endpoints = startAll();
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
  }

  private Endpoints startAll() throws InterruptedException {
    Path data = settings.dataDir().toAbsolutePath();
    DataDirLock lock = DataDirLock.acquire(data.resolve("testline.lock"), "data folder");
    started.push(lock);

    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.builder().dataDir(data.resolve("postgres"))
        .port(settings.postgresPort()).build();
    KafkaBroker kafka = settings.kafkaNodes() == 1
        ? EmbeddedKafkaBroker.builder().dataDir(data.resolve("kafka")).port(settings.kafkaPort()).build()
        : KafkaCluster.builder().nodes(settings.kafkaNodes()).dataDir(data.resolve("kafka-cluster"))
            .port(settings.kafkaPort()).build();
    boolean mosquitto = switch (settings.mqttBroker()) {
      case AUTO -> MosquittoBroker.findBinary().isPresent();
      case MOSQUITTO -> true;
      case HIVEMQ -> false;
    };
    MqttBroker mqtt = mosquitto
        ? MosquittoBroker.builder().workDir(data.resolve("mosquitto")).port(settings.mqttPort()).build()
        : new HiveMqEmbeddedBroker(settings.mqttPort(), data.resolve("hivemq"));
    // servers we start are ours or nothing: orphans of an earlier run on this folder are stopped, and every port is
    // checked free before the first server starts, so a taken port is refused at once
    try {
      postgres.checkStartable();
      if (kafka instanceof EmbeddedKafkaBroker broker) {
        broker.checkStartable();
      } else if (kafka instanceof KafkaCluster cluster) {
        cluster.checkStartable();
      }
      if (mqtt instanceof MosquittoBroker broker) {
        broker.checkStartable();
      } else if (mqtt instanceof HiveMqEmbeddedBroker broker) {
        broker.checkStartable();
      }
      requireFree(settings.apiPort(), "query API");
      requireFree(settings.simulatorPort(), "shopfloor simulator");
    } catch (RuntimeException e) {
      mqtt.close(); // mosquitto's check holds its folder's lock
      throw e;
    }

    started.push(postgres);
    postgres.start();
    String jdbcUrl = postgres.jdbcUrl(StandaloneSettings.DATABASE);
    ensureDatabase(postgres);

    started.push(kafka);
    kafka.start();

    started.push(mqtt);
    mqtt.start();

    BridgeConfig bridgeConfig = BridgeConfig.from(ConfigSource.of(bridgeKeys(mqtt.serverUri(),
        kafka.bootstrapServers())));
    createTopics(bridgeConfig);

    simulator = ShopfloorSimulator.start(settings.simulatorPort());
    started.push(simulator);
    PortGuard.requireOwnedHere(simulator.baseUri().getPort(), "shopfloor simulator");

    Map<String, Object> db = Map.of("kafka.bootstrapServers", kafka.bootstrapServers(), "db.url", jdbcUrl,
        "db.user", postgres.user(), "db.password", postgres.password());
    Map<String, Object> consumerKeys = new LinkedHashMap<>(db);
    consumerKeys.putAll(GROUP_SETTINGS);
    consumerKeys.put("http.host", "127.0.0.1");
    consumerKeys.put("http.port", settings.apiPort());
    consumerKeys.put("metrics.host", "127.0.0.1");
    consumerKeys.put("metrics.port", 0);
    ResultConsumer consumer = ResultConsumer.start(ConsumerConfig.load(ConfigSource.of(consumerKeys)));
    started.push(consumer);
    PortGuard.requireOwnedHere(consumer.httpPort(), "query API");

    // the web interface (issue 23): on loopback, port 8084, or any free port when the query API takes one too
    StandaloneWeb web = StandaloneWeb.start(jdbcUrl, postgres.user(), postgres.password(),
        settings.apiPort() == 0 ? 0 : io.testline.web.WebConfig.DEFAULT_PORT,
        URI.create("http://127.0.0.1:" + consumer.httpPort() + "/"),
        new io.testline.web.AuditSource(Map.of("bootstrap.servers", kafka.bootstrapServers()), topics()));
    started.push(web);

    Map<String, Object> shopfloorKeys = new LinkedHashMap<>(db);
    shopfloorKeys.putAll(GROUP_SETTINGS);
    shopfloorKeys.put("shopfloor.url", simulator.resultsUri().toString());
    shopfloorKeys.put("metrics.port", 0);
    // a demo line wants its verdicts within seconds; production keeps the defaults
    shopfloorKeys.put("dispatch.pollInterval", "100ms");
    ShopfloorBridge shopfloor = new ShopfloorBridge(ShopfloorBridgeConfig.load(ConfigSource.of(shopfloorKeys)));
    started.push(shopfloor);
    shopfloor.start();

    Bridge bridge = new Bridge(bridgeConfig);
    started.push(bridge);
    try {
      bridge.start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the MQTT-Kafka bridge did not start: " + e.getMessage(), e);
    }

    Endpoints result = new Endpoints(mqtt.serverUri(), mqtt.description(), kafka.bootstrapServers(), jdbcUrl,
        postgres.user(), postgres.password(), URI.create("http://127.0.0.1:" + consumer.httpPort() + "/"),
        simulator.baseUri(), bridge.httpPort(), consumer.metricsPort(), shopfloor.metricsPort(), web.uri());
    log.info("testline standalone is up: MQTT {} ({}), Kafka {}, PostgreSQL {}, query API {}, shopfloor simulator {}",
        result.mqttUri(), result.mqttBroker(), result.kafkaBootstrap(), result.jdbcUrl(), result.queryApi(),
        result.shopfloorSimulator());
    return result;
  }

  /** The Kafka topic names in use (no prefix). */
  public TopicNames topics() {
    return topics;
  }

  /** The running simulator, to give units their routes or inject faults. */
  public synchronized ShopfloorSimulator simulator() {
    if (simulator == null) {
      throw new IllegalStateException("standalone is not started");
    }
    return simulator;
  }

  private Map<String, Object> bridgeKeys(String mqttUri, String bootstrap) {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("bridge.instanceId", "standalone");
    keys.put("mqtt.url", mqttUri);
    keys.put("kafka.bootstrapServers", bootstrap);
    keys.put("http.host", "127.0.0.1");
    keys.put("http.port", 0);
    // one broker: replication 1 (a cluster: by its size); one bridge on one machine reorders little, so gaps are
    // reported after 5 s, not 30 s
    keys.put("topics.partitions", settings.partitions());
    if (settings.kafkaNodes() == 1) {
      keys.put("topics.replicationFactor", 1);
      keys.put("topics.minInsyncReplicas", 1);
    }
    keys.put("gaps.grace", GAP_GRACE.toSeconds() + "s");
    keys.putAll(GROUP_SETTINGS);
    return keys;
  }

  private static void createTopics(BridgeConfig config) throws InterruptedException {
    try (TopicAdmin admin = new TopicAdmin(KafkaClientProps.admin(config))) {
      List<TopicAdmin.Result> results = admin.create(TopicCatalog.of(config, admin.brokerCount()));
      results.forEach(r -> log.info("topic {}: {}", r.topic(), r.outcome()));
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not create the topics in time: " + e.getMessage(), e);
    }
  }

  private static void ensureDatabase(EmbeddedPostgresServer postgres) {
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.user(),
        postgres.password());
         PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, StandaloneSettings.DATABASE);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reach the embedded PostgreSQL: " + e.getMessage(), e);
    }
    postgres.createDatabase(StandaloneSettings.DATABASE);
  }

  /** Waits until {@link #close()} has stopped every part. */
  public void awaitClosed() throws InterruptedException {
    stopped.await();
  }

  private static void requireFree(int port, String what) {
    if (port != 0) {
      PortGuard.requireFree(port, what);
    }
  }

  /**
   * Stops every part in the reverse order of their start, so each service stops before the servers it uses;
   * idempotent. At JVM exit (SIGTERM, Ctrl-C) {@link ShutdownHooks} calls it before it closes any server.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    ShutdownHooks.forget(this);
    if (endpoints != null) {
      terminal.info("testline standalone: stopping");
    }
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString(), e);
      }
    }
    if (endpoints != null) {
      // logged here, by whoever closes, not by main() after awaitClosed(): at SIGTERM the JVM halts as soon as the
      // shutdown hook returns, and main() may never get to print
      terminal.info("testline standalone: stopped");
    }
    stopped.countDown();
  }
}
