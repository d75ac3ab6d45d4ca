package io.testline.consumer.config;

import io.testline.access.AccessConfig;
import io.testline.access.HttpsConfig;
import io.testline.access.BindRule;
import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import io.testline.kafka.KafkaClientProperties;
import io.testline.metrics.MetricsAuth;
import io.testline.retry.RetryPolicy;
import io.testline.schemas.TopicNames;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The result consumer's whole configuration, read once at start and validated: every error names the key.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param topics           the testline topic names under {@code kafka.topicPrefix}
 * @param groupId          the consumer group; instances of one group share the partitions
 * @param maxPollRecords   records per poll, and so per database transaction
 * @param pollTimeout      how long one poll waits for records
 * @param dbUrl            JDBC URL of the PostgreSQL database
 * @param dbPoolSize       connections in the pool, shared by the writer and the query API
 * @param dbConnectTimeout how long to wait for a connection before the attempt counts as failed
 * @param httpHost         address of the query API; loopback by default, any other needs {@code httpAccess}
 * @param httpPort         port of the query API; 0 picks a free one, -1 disables it
 * @param httpAccess       who may use the query API ({@code http.authToken}, {@code http.users},
 *                         {@code http.admins}, {@code http.tokenRole}); nothing configured: loopback only, open
 * @param httpTls          HTTPS of the query API ({@code http.tls.keyStore}); null: plain HTTP
 * @param httpCursorKey    secret that signs the query API's paging cursors, the same on every instance behind one
 *                         load balancer; null: a random key per process (cursors then work only on the instance
 *                         that issued them, until it restarts)
 * @param metricsHost      address of {@code /metrics} and {@code /health}; loopback by default
 * @param metricsPort      their port; 0 picks a free one, -1 disables them
 * @param metricsAuth      Basic credentials {@code /metrics} requires ({@code metrics.username},
 *                         {@code metrics.password}); null: none
 * @param kafkaClient      further Kafka client settings ({@code kafka.client.*}, e.g. security.protocol, ssl.*,
 *                         sasl.*), passed to every Kafka client unchanged
 * @param retry            backoff between attempts while the database is unreachable (no deadline: never skip)
 */
public record ConsumerConfig(
    String bootstrapServers,
    TopicNames topics,
    String groupId,
    int maxPollRecords,
    Duration pollTimeout,
    String dbUrl,
    String dbUser,
    String dbPassword,
    int dbPoolSize,
    Duration dbConnectTimeout,
    String httpHost,
    int httpPort,
    AccessConfig httpAccess,
    HttpsConfig httpTls,
    String httpCursorKey,
    String metricsHost,
    int metricsPort,
    MetricsAuth metricsAuth,
    Map<String, String> kafkaClient,
    RetryPolicy retry) {

  public static final String DEFAULT_GROUP_ID = "testline-result-consumer";
  public static final int DEFAULT_MAX_POLL_RECORDS = 2000;
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);
  public static final int DEFAULT_DB_POOL_SIZE = 4;
  public static final Duration DEFAULT_DB_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final String DEFAULT_HTTP_HOST = BindRule.LOOPBACK;
  public static final int DEFAULT_HTTP_PORT = 8083;
  public static final String DEFAULT_METRICS_HOST = BindRule.LOOPBACK;
  public static final int DEFAULT_METRICS_PORT = 9465;
  public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofMillis(200);
  public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(5);
  /** Environment variables override file keys under this prefix, e.g. {@code TESTLINE_DB_URL}. */
  public static final String ENV_PREFIX = "TESTLINE_";

  public ConsumerConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(pollTimeout, "pollTimeout");
    Objects.requireNonNull(dbUrl, "dbUrl");
    Objects.requireNonNull(dbConnectTimeout, "dbConnectTimeout");
    Objects.requireNonNull(httpHost, "httpHost");
    Objects.requireNonNull(httpAccess, "httpAccess");
    Objects.requireNonNull(metricsHost, "metricsHost");
    Objects.requireNonNull(retry, "retry");
    kafkaClient = Map.copyOf(kafkaClient);
    if (maxPollRecords < 1) {
      throw new IllegalArgumentException("maxPollRecords: must be >= 1, was " + maxPollRecords);
    }
    if (dbPoolSize < 2) {
      throw new IllegalArgumentException("dbPoolSize: must be >= 2 (writer and query API), was " + dbPoolSize);
    }
    if (httpPort < -1 || httpPort > 65535) {
      throw new IllegalArgumentException("httpPort: must be -1 (off), 0 (any) or a port, was " + httpPort);
    }
    if (metricsPort < -1 || metricsPort > 65535) {
      throw new IllegalArgumentException("metricsPort: must be -1 (off), 0 (any) or a port, was " + metricsPort);
    }
    if (retry.deadline() != null) {
      throw new IllegalArgumentException("retry: must have no deadline, the consumer never skips a batch");
    }
  }

  /** Reads and validates every key; an unknown key in the file is refused as a probable typo. */
  public static ConsumerConfig load(ConfigSource source) {
    String prefix = source.string("kafka.topicPrefix", "");
    TopicNames topics;
    try {
      topics = new TopicNames(prefix);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("kafka.topicPrefix: \"" + prefix + "\" may hold only letters, digits, '.', '_' and '-'");
    }
    String dbUrl = source.requiredString("db.url");
    if (!dbUrl.startsWith("jdbc:postgresql:")) {
      throw new ConfigException("db.url: \"" + dbUrl + "\" is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
    }
    Duration initial = source.duration("retry.initialDelay", DEFAULT_RETRY_INITIAL, Duration.ofMillis(1),
        Duration.ofMinutes(1));
    Duration max = source.duration("retry.maxDelay", DEFAULT_RETRY_MAX, Duration.ofMillis(1), Duration.ofHours(1));
    if (max.compareTo(initial) < 0) {
      throw new ConfigException("retry.maxDelay: \"" + max + "\" must not be shorter than retry.initialDelay " + initial);
    }
    ConsumerConfig config = new ConsumerConfig(
        source.requiredString("kafka.bootstrapServers"),
        topics,
        source.string("kafka.groupId", DEFAULT_GROUP_ID),
        source.integer("kafka.maxPollRecords", DEFAULT_MAX_POLL_RECORDS, 1, 100_000),
        source.duration("kafka.pollTimeout", DEFAULT_POLL_TIMEOUT, Duration.ofMillis(1), Duration.ofMinutes(1)),
        dbUrl,
        source.string("db.user", ""),
        source.string("db.password", ""),
        source.integer("db.poolSize", DEFAULT_DB_POOL_SIZE, 2, 100),
        source.duration("db.connectTimeout", DEFAULT_DB_CONNECT_TIMEOUT, Duration.ofMillis(250), Duration.ofMinutes(5)),
        source.string("http.host", DEFAULT_HTTP_HOST),
        source.integer("http.port", DEFAULT_HTTP_PORT, -1, 65535),
        AccessConfig.load(source, "http"),
        HttpsConfig.load(source, "http"),
        cursorKey(source),
        source.string("metrics.host", DEFAULT_METRICS_HOST),
        source.integer("metrics.port", DEFAULT_METRICS_PORT, -1, 65535),
        MetricsAuth.load(source, "metrics"),
        source.settings("kafka.client"),
        RetryPolicy.forever(initial, max));
    source.requireNoUnknownKeys();
    if (config.httpPort() >= 0) {
      // closed by default: the query API serves every serial, log and yield, so the network needs a login
      BindRule.requireAuthenticationOffLoopback("http.host", config.httpHost(), config.httpAccess().configured(),
          AccessConfig.keys("http"));
    }
    // refuses kafka.client.* settings that testline fixes (acks, idempotence, commits), naming the key
    new KafkaClientProperties(config.bootstrapServers(), "result-consumer", config.kafkaClient(), "kafka.client");
    return config;
  }

  /** Minimum length of {@code http.cursorKey}. */
  public static final int MIN_CURSOR_KEY_LENGTH = 32;

  private static String cursorKey(ConfigSource source) {
    String key = source.string("http.cursorKey", null);
    if (key != null && key.length() < MIN_CURSOR_KEY_LENGTH) {
      throw new ConfigException("http.cursorKey: must be at least " + MIN_CURSOR_KEY_LENGTH
          + " characters (a random secret, e.g. from `openssl rand -base64 32`), was " + key.length());
    }
    return key;
  }

  /** Never prints the database password, the API token, password hashes, the cursor key or key store passwords. */
  @Override
  public String toString() {
    return "ConsumerConfig[bootstrapServers=" + bootstrapServers + ", topics=" + topics + ", groupId=" + groupId
        + ", maxPollRecords=" + maxPollRecords + ", pollTimeout=" + pollTimeout + ", dbUrl=" + dbUrl + ", dbUser="
        + dbUser + ", dbPassword=" + (dbPassword == null || dbPassword.isEmpty() ? "(none)" : "(hidden)")
        + ", dbPoolSize=" + dbPoolSize + ", httpHost=" + httpHost + ", httpPort=" + httpPort + ", httpAccess="
        + httpAccess + ", httpTls=" + httpTls + ", httpCursorKey=" + (httpCursorKey == null ? "(random)" : "(hidden)")
        + ", metrics=" + metricsHost + ":" + metricsPort + ", metricsAuth=" + metricsAuth + ", kafkaClient="
        + kafkaClient.keySet() + ", retry=" + retry + "]";
  }
}
