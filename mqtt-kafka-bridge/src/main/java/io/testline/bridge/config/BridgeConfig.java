package io.testline.bridge.config;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.schemas.Schemas;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bridge's whole configuration, read once at start from a YAML file with {@code TESTLINE_BRIDGE_*} environment
 * overrides and validated: single keys first, then rules across keys. Every error names the key.
 */
public record BridgeConfig(
    String instanceId,
    Mqtt mqtt,
    Kafka kafka,
    Forward forward,
    Downlink downlink,
    Gaps gaps,
    Http http,
    TopicSettings topics) {

  /** The prefix of every environment variable that overrides a key, e.g. {@code TESTLINE_BRIDGE_MQTT_URL}. */
  public static final String ENV_PREFIX = "TESTLINE_BRIDGE_";
  public static final URI DEFAULT_MQTT_URL = URI.create("tcp://localhost:1883");
  public static final String DEFAULT_SHARE_GROUP = "testline-bridge";
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(24);
  /**
   * MQTT 5 Receive Maximum sent in CONNECT: the protocol's largest value. mosquitto 2.0.11 does not honour a smaller
   * one (after a reconnect it sends up to its own {@code max_inflight_messages}), and the client then drops the
   * connection for a protocol violation, again and again. So the window is the broker's per-client in-flight limit
   * ({@code max_inflight_messages} in mosquitto); lower this only with a broker that honours it.
   */
  public static final int DEFAULT_RECEIVE_MAXIMUM = 65_535;
  public static final int DEFAULT_WORKERS = 2;
  public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(5);
  public static final String DEFAULT_DOWNLINK_GROUP = "testline-bridge-downlink";
  public static final String DEFAULT_GAPS_GROUP = "testline-bridge-gaps";
  public static final Duration DEFAULT_GAP_GRACE = Duration.ofSeconds(30);
  public static final int DEFAULT_HTTP_PORT = 9464;
  public static final Duration DEFAULT_STUCK_AFTER = Duration.ofSeconds(30);

  public BridgeConfig {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(mqtt, "mqtt");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(forward, "forward");
    Objects.requireNonNull(downlink, "downlink");
    Objects.requireNonNull(gaps, "gaps");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(topics, "topics");
  }

  /**
   * MQTT side.
   *
   * @param shareGroup     the {@code $share} group every bridge instance joins
   * @param receiveMaximum MQTT 5 Receive Maximum sent in CONNECT: the most unacknowledged messages in flight
   * @param trustStore     PKCS12 or JKS file of the CAs an {@code ssl://} broker's certificate must chain to; null:
   *                       the JVM's default CAs
   */
  public record Mqtt(URI url, String clientId, String username, String password, String shareGroup,
      Duration sessionExpiry, int receiveMaximum, Path trustStore, String trustStorePassword) {

    /** Never prints the passwords. */
    @Override
    public String toString() {
      return "Mqtt[url=" + url + ", clientId=" + clientId + ", username=" + username + ", password="
          + (password == null ? "(none)" : "(hidden)") + ", shareGroup=" + shareGroup + ", sessionExpiry="
          + sessionExpiry + ", receiveMaximum=" + receiveMaximum + ", trustStore=" + trustStore + "]";
    }

    /** The shared subscription over every station's uplink. */
    public String sharedFilter() {
      return "$share/" + shareGroup + "/" + io.testline.schemas.Topics.mqttUplinkFilter();
    }
  }

  /**
   * Kafka side.
   *
   * @param topicPrefix prepended to every testline topic name (empty in production; tests use one per test)
   * @param client      extra client properties for producer, consumers and admin (security, tuning)
   */
  public record Kafka(String bootstrapServers, String topicPrefix, Duration maxBlock, Map<String, String> client) {
    public Kafka {
      client = Map.copyOf(client);
    }

    /** Names the extra client settings without their values: sasl.jaas.config and ssl.*password hold secrets. */
    @Override
    public String toString() {
      return "Kafka[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", maxBlock="
          + maxBlock + ", client=" + new TreeSet<>(client.keySet()) + "]";
    }
  }

  /** The forward path: validation workers and the size bound. */
  public record Forward(int workers, int maxMessageBytes) {
    /** Room in an MQTT PUBLISH packet beside the payload: fixed header, topic, packet id and properties. */
    public static final int PACKET_OVERHEAD = 100_000;

    /**
     * The MQTT 5 Maximum Packet Size the bridge advertises on CONNECT: the broker sends it no larger packet, so an
     * oversize message cannot fill the bridge's memory. A message over {@code maxMessageBytes} but inside this still
     * arrives and is dead-lettered as OVERSIZE; the broker's own {@code max_packet_size} (deploy/mosquitto) is the
     * same number, so that a larger one is refused at publish instead of being dropped on its way to the bridge.
     */
    public int maximumPacketSize() {
      return (int) Math.min(Integer.MAX_VALUE, (long) maxMessageBytes + PACKET_OVERHEAD);
    }
  }

  /** Verdicts from Kafka down to the stations. */
  public record Downlink(boolean enabled, String groupId) {}

  /** Sequence-gap detection over the forwarded topics. */
  public record Gaps(boolean enabled, String groupId, Duration grace) {}

  /** The /metrics and /health endpoint; port 0 picks a free port, -1 disables it. */
  public record Http(String host, int port, Duration stuckAfter, io.testline.metrics.MetricsAuth auth) {}

  /**
   * What {@code topics create} creates and what {@code run} requires of existing topics. Retention of -1 keeps
   * records forever. {@code replicationFactor} and {@code minInsyncReplicas} of 0 (keys not set) follow the cluster:
   * see {@link #replicationFor}. {@code acceptUnderReplicated} lets the bridge run on topics with fewer replicas or a
   * lower {@code min.insync.replicas} than required.
   */
  public record TopicSettings(int partitions, int replicationFactor, int minInsyncReplicas, long maxMessageBytes,
      Duration eventsRetention, Duration logsRetention, Duration verdictsRetention, Duration seqGapsRetention,
      Duration deadLetterRetention, boolean acceptUnderReplicated) {

    /**
     * The replication required on a cluster of {@code brokers}: the configured values, and for keys not set
     * {@value #CLUSTER_REPLICATION_FACTOR} / {@value #CLUSTER_MIN_INSYNC_REPLICAS} when the cluster has at least
     * {@value #CLUSTER_REPLICATION_FACTOR} brokers, else 1 / 1 (an unset minimum never exceeds the factor).
     *
     * @throws ConfigException if {@code topics.minInsyncReplicas} ends up above the replication factor
     */
    public Replication replicationFor(int brokers) {
      boolean cluster = brokers >= CLUSTER_REPLICATION_FACTOR;
      int factor = replicationFactor > 0 ? replicationFactor : cluster ? CLUSTER_REPLICATION_FACTOR : 1;
      int minInsync = minInsyncReplicas > 0 ? minInsyncReplicas
          : Math.min(factor, cluster ? CLUSTER_MIN_INSYNC_REPLICAS : 1);
      if (minInsync > factor) {
        throw new ConfigException("topics.minInsyncReplicas: " + minInsync + " is more than the replication factor "
            + factor + (replicationFactor > 0 ? " (topics.replicationFactor)" : " (by cluster size: " + brokers
            + " brokers; set topics.replicationFactor)"));
      }
      return new Replication((short) factor, minInsync);
    }
  }

  /** Replication factor and {@code min.insync.replicas} of every topic, resolved for one cluster. */
  public record Replication(short factor, int minInsync) {}

  /** Replication factor when {@code topics.replicationFactor} is not set and the cluster has that many brokers. */
  public static final int CLUSTER_REPLICATION_FACTOR = 3;
  /** {@code min.insync.replicas} when {@code topics.minInsyncReplicas} is not set, on a cluster of 3 or more. */
  public static final int CLUSTER_MIN_INSYNC_REPLICAS = 2;

  /** Loads and validates the config from {@code file} (null: defaults) and the process environment. */
  public static BridgeConfig load(Path file, Map<String, String> env) {
    return from(ConfigSource.load(file, env, ENV_PREFIX));
  }

  /** Reads every key, rejects unknown keys, then checks the rules across keys. */
  public static BridgeConfig from(ConfigSource source) {
    String instanceId = source.string("bridge.instanceId", defaultInstanceId());
    if (!Schemas.isValidStationId(instanceId)) {
      throw new ConfigException("bridge.instanceId: \"" + instanceId
          + "\" must be 1-64 of letters, digits, '.', '_' or '-'");
    }
    Mqtt mqtt = new Mqtt(
        source.uri("mqtt.url", DEFAULT_MQTT_URL, Set.of("tcp", "ssl")),
        source.string("mqtt.clientId", "testline-bridge-" + instanceId),
        source.string("mqtt.username", null),
        source.string("mqtt.password", null),
        source.string("mqtt.shareGroup", DEFAULT_SHARE_GROUP),
        source.duration("mqtt.sessionExpiry", DEFAULT_SESSION_EXPIRY, Duration.ofSeconds(1),
            Duration.ofSeconds(0xFFFF_FFFEL)),
        source.integer("mqtt.receiveMaximum", DEFAULT_RECEIVE_MAXIMUM, 1, 65_535),
        source.path("mqtt.tls.trustStore", null),
        source.string("mqtt.tls.trustStorePassword", null));
    if (mqtt.trustStore() != null && !"ssl".equalsIgnoreCase(mqtt.url().getScheme())) {
      throw new ConfigException("mqtt.tls.trustStore: TLS settings need an ssl:// mqtt.url, was " + mqtt.url());
    }
    Kafka kafka = new Kafka(
        source.requiredString("kafka.bootstrapServers"),
        source.string("kafka.topicPrefix", ""),
        source.duration("kafka.maxBlock", DEFAULT_MAX_BLOCK, Duration.ofMillis(100), Duration.ofMinutes(10)),
        source.settings("kafka.client"));
    Forward forward = new Forward(
        source.integer("forward.workers", DEFAULT_WORKERS, 1, 64),
        source.integer("forward.maxMessageBytes", Schemas.MAX_MESSAGE_BYTES, 1, 16 * 1024 * 1024));
    Downlink downlink = new Downlink(
        source.bool("downlink.enabled", true),
        source.string("downlink.groupId", DEFAULT_DOWNLINK_GROUP));
    Gaps gaps = new Gaps(
        source.bool("gaps.enabled", true),
        source.string("gaps.groupId", DEFAULT_GAPS_GROUP),
        source.duration("gaps.grace", DEFAULT_GAP_GRACE, Duration.ofMillis(100), Duration.ofDays(1)));
    Http http = new Http(
        source.string("http.host", "127.0.0.1"),
        source.integer("http.port", DEFAULT_HTTP_PORT, -1, 65_535),
        source.duration("health.stuckAfter", DEFAULT_STUCK_AFTER, Duration.ofSeconds(1), Duration.ofHours(1)),
        io.testline.metrics.MetricsAuth.load(source, "http"));
    Duration forever = Duration.ofMillis(-1);
    Duration max = Duration.ofDays(365L * 100);
    TopicSettings topics = new TopicSettings(
        source.integer("topics.partitions", 6, 1, 10_000),
        source.has("topics.replicationFactor") ? source.integer("topics.replicationFactor", 1, 1, 32) : 0,
        source.has("topics.minInsyncReplicas") ? source.integer("topics.minInsyncReplicas", 1, 1, 32) : 0,
        source.bytes("topics.maxMessageBytes", 2L * 1024 * 1024, Schemas.MAX_MESSAGE_BYTES + 64 * 1024,
            Integer.MAX_VALUE),
        source.duration("topics.retention.events", forever, forever, max),
        source.duration("topics.retention.logs", forever, forever, max),
        source.duration("topics.retention.verdicts", forever, forever, max),
        source.duration("topics.retention.seqGaps", Duration.ofDays(365), forever, max),
        source.duration("topics.retention.deadletter", Duration.ofDays(90), forever, max),
        source.bool("topics.acceptUnderReplicated", false));
    source.requireNoUnknownKeys();

    if (mqtt.shareGroup().isBlank() || mqtt.shareGroup().contains("/") || mqtt.shareGroup().contains("+")
        || mqtt.shareGroup().contains("#")) {
      throw new ConfigException("mqtt.shareGroup: \"" + mqtt.shareGroup()
          + "\" must be non-empty without '/', '+' or '#'");
    }
    if ((mqtt.username() == null) != (mqtt.password() == null)) {
      throw new ConfigException("mqtt.username and mqtt.password: set both or neither");
    }
    if (topics.replicationFactor() > 0 && topics.minInsyncReplicas() > topics.replicationFactor()) {
      throw new ConfigException("topics.minInsyncReplicas: " + topics.minInsyncReplicas()
          + " is more than topics.replicationFactor " + topics.replicationFactor());
    }
    if (forward.maxMessageBytes() + 64 * 1024L > topics.maxMessageBytes()) {
      throw new ConfigException("topics.maxMessageBytes: " + topics.maxMessageBytes()
          + " leaves no room for forward.maxMessageBytes " + forward.maxMessageBytes() + " plus headers");
    }
    BridgeConfig config = new BridgeConfig(instanceId, mqtt, kafka, forward, downlink, gaps, http, topics);
    KafkaClientProps.of(config); // refuses kafka.client.* settings that testline fixes, naming the key
    return config;
  }

  /** Hostname and pid: unique per process, readable in logs, headers and dead letters. */
  static String defaultInstanceId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    String cleaned = host.replaceAll("[^A-Za-z0-9._-]", "-");
    String id = cleaned + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    return id.length() > 64 ? id.substring(id.length() - 64) : id;
  }
}
