package io.testline.pipeline;

import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.bridge.topics.TopicAdmin;
import io.testline.bridge.topics.TopicCatalog;
import io.testline.brokers.EmbeddedKafkaBroker;
import io.testline.brokers.EmbeddedPostgresServer;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.KafkaCluster;
import io.testline.brokers.HiveMqEmbeddedBroker;
import io.testline.brokers.MosquittoBroker;
import io.testline.brokers.MqttBroker;
import io.testline.audit.AuditReport;
import io.testline.audit.Auditor;
import io.testline.config.ConfigSource;
import io.testline.schemas.TopicNames;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The whole central pipeline as separate, killable parts: mosquitto (or HiveMQ CE embedded, see
 * {@link Options#onHiveMqWithoutMosquitto()}), Kafka and PostgreSQL (each restartable on its port and data), the
 * shopfloor simulator, and the MQTT-Kafka bridge, result-consumer and shopfloor-bridge each in its own JVM.
 * Stations connect to {@link #mqttUri()}.
 */
final class Pipeline implements AutoCloseable {
  static final String DATABASE = "testline";

  private final Path dir;
  private final EmbeddedPostgresServer postgres;
  private final KafkaBroker kafka;
  private final MqttBroker mqtt;
  private final ShopfloorSimulator simulator;
  private final List<ServiceJvm> bridges = new ArrayList<>();
  private final List<ServiceJvm> consumers = new ArrayList<>();
  private final List<ServiceJvm> shopfloorBridges = new ArrayList<>();
  private final List<Integer> bridgeHttpPorts = new ArrayList<>();
  private final int apiPort = freePort();
  private final int consumerMetricsPort = freePort();
  private final TopicNames topics = new TopicNames("");

  /**
   * How the pipeline is set up beyond its defaults.
   *
   * @param mqtt        the MQTT broker (its work folder is set here); null: HiveMQ CE embedded in the test JVM
   * @param kafka       the Kafka broker (its data folder is set here)
   * @param kafkaClient Kafka client settings every part uses ({@code kafka.client.*}), e.g. SASL
   * @param bridge      further bridge keys (they replace defaults), e.g. mqtt.url, credentials, TLS
   * @param consumer    further result-consumer keys
   * @param shopfloor   further shopfloor-bridge keys
   */
  record Options(MosquittoBroker.Builder mqtt, EmbeddedKafkaBroker.Builder kafka, Map<String, String> kafkaClient,
      Map<String, Object> bridge, Map<String, Object> consumer, Map<String, Object> shopfloor) {

    static Options defaults() {
      return new Options(MosquittoBroker.builder(), EmbeddedKafkaBroker.builder(), Map.of(), Map.of(), Map.of(),
          Map.of());
    }

    /**
     * These options on HiveMQ CE embedded where mosquitto is not installed, for a test that never stops, kills or
     * configures the broker itself ({@link Pipeline#mosquitto()} is then unavailable).
     */
    Options onHiveMqWithoutMosquitto() {
      return MosquittoBroker.findBinary().isPresent() ? this
          : new Options(null, kafka, kafkaClient, bridge, consumer, shopfloor);
    }
  }

  /**
   * How many of each part: Kafka nodes (more than one: a {@link KafkaCluster} of separate JVMs, topics with
   * replication factor min(3, nodes) and min ISR min(2, nodes)) and instances of each service (a bridge's instances
   * share the MQTT subscription, the consumers' share their consumer groups).
   */
  record Topology(int kafkaNodes, int bridges, int consumers, int shopfloorBridges) {
    static final Topology SINGLE = new Topology(1, 1, 1, 1);

    Topology {
      if (kafkaNodes < 1 || bridges < 1 || consumers < 1 || shopfloorBridges < 1) {
        throw new IllegalArgumentException("every count of a topology is at least 1: " + kafkaNodes + ", "
            + bridges + ", " + consumers + ", " + shopfloorBridges);
      }
    }

    int replicationFactor() {
      return Math.min(3, kafkaNodes);
    }

    int minInsyncReplicas() {
      return Math.min(2, kafkaNodes);
    }
  }

  private final Map<String, String> kafkaClient;
  private final Map<String, Object> bridgeKeys;
  private final Map<String, Object> consumerKeys;
  private final Map<String, Object> shopfloorKeys;

  Pipeline(Path dir, Options options) throws IOException, InterruptedException {
    this(dir, options, Topology.SINGLE);
  }

  Pipeline(Path dir, Options options, Topology topology) throws IOException, InterruptedException {
    this.dir = Files.createDirectories(dir);
    this.kafkaClient = Map.copyOf(options.kafkaClient());
    postgres = EmbeddedPostgresServer.builder().dataDir(dir.resolve("postgres")).build();
    postgres.start();
    postgres.createDatabase(DATABASE);
    // a crashed node of a cluster is fenced after 4 s without heartbeat (Kafka's default: 9 s), so tests stay short
    kafka = topology.kafkaNodes() == 1 ? options.kafka().dataDir(dir.resolve("kafka")).build()
        : KafkaCluster.builder().nodes(topology.kafkaNodes()).dataDir(dir.resolve("kafka"))
            .brokerConfig("broker.session.timeout.ms", "4000").brokerConfig("broker.heartbeat.interval.ms", "500")
            .build();
    kafka.start();
    mqtt = options.mqtt() == null ? new HiveMqEmbeddedBroker(0, dir.resolve("hivemq"))
        : options.mqtt().workDir(dir.resolve("mosquitto")).build();
    mqtt.start();
    simulator = ShopfloorSimulator.start(0);

    Map<String, Object> bridgeKeys = new LinkedHashMap<>();
    bridgeKeys.put("bridge.instanceId", "pipeline");
    bridgeKeys.put("mqtt.url", mqtt.serverUri());
    bridgeKeys.put("kafka.bootstrapServers", kafka.bootstrapServers());
    bridgeKeys.put("http.host", "127.0.0.1");
    bridgeKeys.put("http.port", freePort());
    bridgeKeys.put("topics.partitions", 3);
    bridgeKeys.put("topics.replicationFactor", topology.replicationFactor());
    bridgeKeys.put("topics.minInsyncReplicas", topology.minInsyncReplicas());
    bridgeKeys.put("gaps.grace", "5s");
    kafkaClient.forEach((k, v) -> bridgeKeys.put("kafka.client." + k, v));
    bridgeKeys.putAll(options.bridge());
    createTopics(bridgeKeys);

    Map<String, Object> db = new LinkedHashMap<>();
    db.put("kafka.bootstrapServers", kafka.bootstrapServers());
    db.put("db.url", jdbcUrl());
    db.put("db.user", postgres.user());
    db.put("db.password", postgres.password());
    db.put("retry.initialDelay", "100ms");
    db.put("retry.maxDelay", "2s");
    kafkaClient.forEach((k, v) -> db.put("kafka.client." + k, v));
    Map<String, Object> consumerKeys = new LinkedHashMap<>(db);
    consumerKeys.put("http.host", "127.0.0.1");
    consumerKeys.put("http.port", apiPort);
    consumerKeys.put("metrics.port", consumerMetricsPort);
    consumerKeys.putAll(options.consumer());
    Map<String, Object> shopfloorKeys = new LinkedHashMap<>(db);
    shopfloorKeys.put("shopfloor.url", simulator.resultsUri().toString());
    shopfloorKeys.put("metrics.port", freePort());
    shopfloorKeys.put("dispatch.pollInterval", "100ms");
    shopfloorKeys.put("circuit.openDelay", "1s");
    shopfloorKeys.putAll(options.shopfloor());

    this.bridgeKeys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bridgeKeys));
    this.consumerKeys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(consumerKeys));
    this.shopfloorKeys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shopfloorKeys));
    for (int i = 1; i <= topology.bridges(); i++) {
      bridges.add(newBridge(i));
    }
    for (int i = 1; i <= topology.consumers(); i++) {
      consumers.add(newConsumer(i));
    }
    for (int i = 1; i <= topology.shopfloorBridges(); i++) {
      shopfloorBridges.add(newShopfloorBridge(i));
    }
    for (ServiceJvm service : services()) {
      service.start();
    }
    for (ServiceJvm service : services()) {
      service.awaitReady(120_000);
    }
  }

  private ServiceJvm newBridge(int i) throws IOException {
    Map<String, Object> keys = new LinkedHashMap<>(bridgeKeys);
    if (i > 1) {
      keys.put("bridge.instanceId", "pipeline-" + i);
      keys.put("http.port", freePort());
      keys.put("gaps.enabled", false); // one detector sees every partition of a station's records (bridge README)
    }
    bridgeHttpPorts.add(Integer.parseInt(String.valueOf(keys.get("http.port"))));
    return service("bridge", i, "bridge", keys, "i.t.bridge.Bridge - bridge ");
  }

  private ServiceJvm newConsumer(int i) throws IOException {
    Map<String, Object> keys = new LinkedHashMap<>(consumerKeys);
    if (i > 1) {
      keys.put("http.port", freePort());
      keys.put("metrics.port", freePort());
    }
    return service("result-consumer", i, "result-consumer", keys, "Javalin started");
  }

  private ServiceJvm newShopfloorBridge(int i) throws IOException {
    Map<String, Object> keys = new LinkedHashMap<>(shopfloorKeys);
    if (i > 1) {
      keys.put("metrics.port", freePort());
    }
    return service("shopfloor-bridge", i, "shopfloor-bridge", keys, "ShopfloorBridge - shopfloor bridge ");
  }

  /**
   * Starts a fresh bridge instance (a new instance id, so a new member of the MQTT share group) and returns once it
   * is subscribed; {@link #bridgeMetrics} knows it by its index.
   */
  ServiceJvm addBridge() throws IOException, InterruptedException {
    return started(bridges, newBridge(bridges.size() + 1));
  }

  /** Starts a fresh result-consumer (a new member of its consumer groups) and returns once it serves. */
  ServiceJvm addConsumer() throws IOException, InterruptedException {
    return started(consumers, newConsumer(consumers.size() + 1));
  }

  /** Starts a fresh shopfloor-bridge (a new member of its consumer group) and returns once it serves. */
  ServiceJvm addShopfloorBridge() throws IOException, InterruptedException {
    return started(shopfloorBridges, newShopfloorBridge(shopfloorBridges.size() + 1));
  }

  private static ServiceJvm started(List<ServiceJvm> instances, ServiceJvm service)
      throws IOException, InterruptedException {
    instances.add(service);
    service.start();
    service.awaitReady(120_000);
    return service;
  }

  /** The first instance of a service is named as the service ({@code bridge}), further ones {@code bridge-2}... */
  private ServiceJvm service(String name, int instance, String command, Map<String, Object> keys, String readyLine)
      throws IOException {
    String id = instance == 1 ? name : name + "-" + instance;
    return new ServiceJvm(id, dir.resolve(id + ".log"), command, config(id + ".yaml", keys), readyLine);
  }

  /** Every service instance: the bridges, then the result-consumers, then the shopfloor-bridges. */
  List<ServiceJvm> services() {
    List<ServiceJvm> all = new ArrayList<>(bridges);
    all.addAll(consumers);
    all.addAll(shopfloorBridges);
    return all;
  }

  ServiceJvm bridge() {
    return bridges.get(0);
  }

  ServiceJvm consumer() {
    return consumers.get(0);
  }

  ServiceJvm shopfloorBridge() {
    return shopfloorBridges.get(0);
  }

  List<ServiceJvm> bridges() {
    return List.copyOf(bridges);
  }

  List<ServiceJvm> consumers() {
    return List.copyOf(consumers);
  }

  List<ServiceJvm> shopfloorBridges() {
    return List.copyOf(shopfloorBridges);
  }

  KafkaBroker kafka() {
    return kafka;
  }

  /** The Kafka cluster; fails on a pipeline with a single broker. */
  KafkaCluster kafkaCluster() {
    if (kafka instanceof KafkaCluster cluster) {
      return cluster;
    }
    throw new IllegalStateException("this pipeline runs a single Kafka broker, not a cluster");
  }

  EmbeddedPostgresServer postgres() {
    return postgres;
  }

  /** The pipeline's mosquitto; fails on a pipeline running HiveMQ CE. */
  MosquittoBroker mosquitto() {
    if (mqtt instanceof MosquittoBroker mosquitto) {
      return mosquitto;
    }
    throw new IllegalStateException("this pipeline runs " + mqtt.description() + ", not mosquitto");
  }

  ShopfloorSimulator simulator() {
    return simulator;
  }

  String mqttUri() {
    return mqtt.serverUri();
  }

  String jdbcUrl() {
    return postgres.jdbcUrl(DATABASE);
  }

  java.net.URI queryApi() {
    return java.net.URI.create("http://127.0.0.1:" + apiPort + "/");
  }

  /** The {@code /metrics} and {@code /health} of bridge instance {@code index} (0: the first). */
  java.net.URI bridgeMetrics(int index) {
    return java.net.URI.create("http://127.0.0.1:" + bridgeHttpPorts.get(index) + "/");
  }

  /** result-consumer's {@code /metrics} and {@code /health}. */
  java.net.URI consumerMetrics() {
    return java.net.URI.create("http://127.0.0.1:" + consumerMetricsPort + "/");
  }

  Auditor.Db database() {
    return new Auditor.Db(jdbcUrl(), postgres.user(), postgres.password());
  }

  /** Properties for a Kafka client of the test: the bootstrap servers and the pipeline's client settings. */
  Map<String, Object> kafkaProps() {
    Map<String, Object> props = new LinkedHashMap<>(kafkaClient);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return props;
  }

  TopicNames topics() {
    return topics;
  }

  AuditReport audit(Instant from, Instant to) throws SQLException {
    return new Auditor(new Auditor.Sources(kafkaProps(), topics, database(), database()), Clock.systemUTC())
        .audit(from, to);
  }

  /** Every log the pipeline's parts wrote: the services' and mosquitto's (HiveMQ CE logs to the test's). */
  List<Path> logs() {
    List<Path> logs = new ArrayList<>();
    services().forEach(s -> logs.add(s.log()));
    if (mqtt instanceof MosquittoBroker mosquitto) {
      logs.add(mosquitto.logFile());
    }
    return logs;
  }

  private void createTopics(Map<String, Object> bridgeKeys) {
    BridgeConfig config = BridgeConfig.from(ConfigSource.of(bridgeKeys));
    try (TopicAdmin admin = new TopicAdmin(KafkaClientProps.admin(config))) {
      admin.create(TopicCatalog.of(config, admin.brokerCount()));
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not create the topics in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Path config(String name, Map<String, Object> keys) throws IOException {
    StringBuilder yaml = new StringBuilder("# written by the pipeline tests\n");
    // single-quoted YAML scalars: only ' needs escaping (a SASL JAAS line is full of double quotes)
    keys.forEach((k, v) -> yaml.append(k).append(": '").append(String.valueOf(v).replace("'", "''"))
        .append("'\n"));
    return Files.writeString(dir.resolve(name), yaml.toString(), StandardCharsets.UTF_8);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    List<ServiceJvm> stopping = new ArrayList<>(bridges);
    stopping.addAll(shopfloorBridges);
    stopping.addAll(consumers);
    for (ServiceJvm service : stopping) {
      service.close();
    }
    simulator.close();
    mqtt.close();
    kafka.close();
    postgres.close();
  }
}
