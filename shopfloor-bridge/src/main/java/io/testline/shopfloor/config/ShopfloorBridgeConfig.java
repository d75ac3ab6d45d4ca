package io.testline.shopfloor.config;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.kafka.KafkaClientProperties;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.TopicNames;
import io.testline.shopfloor.adapter.HttpAdapterConfig;
import io.testline.shopfloor.dispatch.DispatchConfig;
import io.testline.shopfloor.dispatch.GuardConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole, validated configuration of a shopfloor-bridge instance. Keys and their environment variables (prefix
 * {@value #ENV_PREFIX}) are listed in the module README; {@link #load} checks single values first, then the rules
 * across them, and names the key in every error.
 */
public record ShopfloorBridgeConfig(
    String bootstrapServers,
    TopicNames topics,
    String groupId,
    String jdbcUrl,
    String dbUser,
    String dbPassword,
    int dbPoolSize,
    HttpAdapterConfig shopfloor,
    DispatchConfig dispatch,
    GuardConfig guard,
    String metricsHost,
    int metricsPort,
    io.testline.metrics.MetricsAuth metricsAuth,
    Map<String, String> kafkaClient) {

  public static final String ENV_PREFIX = "TESTLINE_";
  public static final String DEFAULT_GROUP_ID = "testline-shopfloor-bridge";
  public static final int DEFAULT_METRICS_PORT = 9466;
  /** Closed by default: only this machine can read the metrics unless {@code metrics.host} says otherwise. */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  public ShopfloorBridgeConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(shopfloor, "shopfloor");
    Objects.requireNonNull(dispatch, "dispatch");
    Objects.requireNonNull(guard, "guard");
    Objects.requireNonNull(metricsHost, "metricsHost");
    kafkaClient = Map.copyOf(kafkaClient);
  }

  /** Reads and validates every key; unknown keys in the file are an error. */
  public static ShopfloorBridgeConfig load(ConfigSource source) {
    String bootstrap = source.requiredString("kafka.bootstrapServers");
    TopicNames topics;
    try {
      topics = new TopicNames(source.string("kafka.topicPrefix", ""));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("kafka.topicPrefix: " + e.getMessage());
    }
    String groupId = source.string("kafka.groupId", DEFAULT_GROUP_ID);

    String jdbcUrl = source.requiredString("db.url");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("db.url: \"" + jdbcUrl + "\" is not a jdbc:postgresql: URL");
    }
    String user = source.string("db.user", null);
    String password = source.string("db.password", null);
    int poolSize = source.integer("db.poolSize", 0, 0, 256);

    URI url = source.uri("shopfloor.url", null, Set.of("http", "https"));
    if (url == null) {
      throw new ConfigException("shopfloor.url: is required (set it in the config file or "
          + source.envName("shopfloor.url") + ")");
    }
    String authHeader = source.string("shopfloor.authHeader", null);
    String authValue = source.string("shopfloor.authValue", null);
    if (authHeader != null && !authHeader.isBlank() && authValue == null) {
      throw new ConfigException("shopfloor.authValue: is required when shopfloor.authHeader is set");
    }
    Duration connectTimeout = source.duration("shopfloor.connectTimeout", HttpAdapterConfig.DEFAULT_CONNECT_TIMEOUT,
        Duration.ofMillis(10), Duration.ofMinutes(5));
    Duration requestTimeout = source.duration("shopfloor.requestTimeout", HttpAdapterConfig.DEFAULT_REQUEST_TIMEOUT,
        Duration.ofMillis(10), Duration.ofMinutes(10));
    Map<String, String> fields = source.map("shopfloor.fields");
    HttpAdapterConfig shopfloor =
        new HttpAdapterConfig(url, authHeader, authValue, connectTimeout, requestTimeout, fields);

    RetryPolicy defaults = DispatchConfig.DEFAULT_RETRY;
    RetryPolicy retry;
    try {
      retry = new RetryPolicy(
          source.duration("retry.initialDelay", defaults.initialDelay(), Duration.ofMillis(1), Duration.ofHours(1)),
          source.duration("retry.maxDelay", defaults.maxDelay(), Duration.ofMillis(1), Duration.ofDays(1)),
          decimal(source, "retry.multiplier", defaults.multiplier(), 1, 100),
          decimal(source, "retry.jitter", defaults.jitter(), 0, 1),
          source.duration("retry.deadline", defaults.deadline(), Duration.ofSeconds(1), Duration.ofDays(365)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("retry." + e.getMessage());
    }
    int workers = source.integer("dispatch.workers", DispatchConfig.DEFAULT_WORKERS, 1, 1024);
    Duration lease = source.duration("dispatch.lease", DispatchConfig.DEFAULT_LEASE, Duration.ofSeconds(1),
        Duration.ofHours(1));
    Duration pollInterval = source.duration("dispatch.pollInterval", DispatchConfig.DEFAULT_POLL_INTERVAL,
        Duration.ofMillis(10), Duration.ofMinutes(1));

    GuardConfig g = GuardConfig.DEFAULTS;
    int failureWindow = source.integer("circuit.failureWindow", g.failureWindow(), 1, 10_000);
    int failureThreshold = source.integer("circuit.failureThreshold", g.failureThreshold(), 1, 10_000);
    Duration openDelay = source.duration("circuit.openDelay", g.openDelay(), Duration.ofMillis(10),
        Duration.ofHours(1));
    int successThreshold = source.integer("circuit.successThreshold", g.successThreshold(), 1, 10_000);
    double permits = decimal(source, "rateLimit.permitsPerSecond", g.permitsPerSecond(), 0.01, 1_000_000);
    Duration maxWait = source.duration("rateLimit.maxWait", g.maxRateWait(), Duration.ZERO, Duration.ofMinutes(1));
    String metricsHost = source.string("metrics.host", DEFAULT_METRICS_HOST);
    int metricsPort = source.integer("metrics.port", DEFAULT_METRICS_PORT, -1, 65535);
    io.testline.metrics.MetricsAuth metricsAuth = io.testline.metrics.MetricsAuth.load(source, "metrics");
    // security.protocol, ssl.*, sasl.*: passed to the Kafka clients unchanged
    Map<String, String> kafkaClient = source.settings("kafka.client");
    source.requireNoUnknownKeys();
    // refuses kafka.client.* settings that testline fixes (acks, idempotence, commits), naming the key
    new KafkaClientProperties(bootstrap, "shopfloor-bridge", kafkaClient, "kafka.client");

    if (failureThreshold > failureWindow) {
      throw new ConfigException("circuit.failureThreshold: " + failureThreshold
          + " is more than circuit.failureWindow " + failureWindow);
    }
    // a lease shorter than one attempt could take would let a second worker submit the same run concurrently
    Duration longestAttempt = requestTimeout.plus(connectTimeout).plus(maxWait);
    if (lease.compareTo(longestAttempt) <= 0) {
      throw new ConfigException("dispatch.lease: " + lease + " must be longer than shopfloor.requestTimeout"
          + " + shopfloor.connectTimeout + rateLimit.maxWait (" + longestAttempt + ")");
    }
    return new ShopfloorBridgeConfig(bootstrap, topics, groupId, jdbcUrl, user, password,
        poolSize == 0 ? workers + 4 : poolSize, shopfloor,
        new DispatchConfig(workers, lease, pollInterval, retry),
        new GuardConfig(failureThreshold, failureWindow, openDelay, successThreshold, permits, maxWait),
        metricsHost, metricsPort, metricsAuth, kafkaClient);
  }

  private static double decimal(ConfigSource source, String key, double defaultValue, double min, double max) {
    String text = source.string(key, null);
    if (text == null) {
      return defaultValue;
    }
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": \"" + text + "\" is not a number");
    }
    if (!(value >= min && value <= max)) {
      throw new ConfigException(key + ": \"" + text + "\" is out of range " + min + " to " + max);
    }
    return value;
  }

  @Override
  public String toString() {
    return "ShopfloorBridgeConfig[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", groupId="
        + groupId + ", jdbcUrl=" + jdbcUrl + ", dbUser=" + dbUser + ", shopfloor=" + shopfloor + ", dispatch="
        + dispatch + ", guard=" + guard + ", metrics=" + metricsHost + ":" + metricsPort + ", metricsAuth="
        + metricsAuth + ", kafkaClient=" + kafkaClient.keySet() + "]";
  }
}
