package io.testline.kafka;

import io.testline.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one way testline builds Kafka client properties, for every service and command that talks to Kafka.
 *
 * <p>Each map is built in layers, later ones winning: what every testline client needs (bootstrap servers, a client
 * id naming the service and the role, byte-array serdes, reconnect backoff); then the service's own tuning (batching,
 * timeouts); then the operator's settings ({@code kafka.client.*}: security, SASL, TLS, timeouts); and last the
 * settings the delivery promises rest on, which no configuration may change: {@code acks=all} and idempotence for
 * producers, manual commits and {@code read_committed} for consumers. An operator setting that tries to change one of
 * those is refused when the properties are built, with an error that names the key.
 */
public final class KafkaClientProperties {

  /** Keys the operator may not set: testline sets them, and its promises depend on their values. */
  static final int SESSION_TIMEOUT_MS = 10_000;
  static final Set<String> FIXED = Set.of(
      CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
      CommonClientConfigs.CLIENT_ID_CONFIG,
      ProducerConfig.ACKS_CONFIG,
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
      ProducerConfig.TRANSACTIONAL_ID_CONFIG,
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
      ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
      ConsumerConfig.GROUP_ID_CONFIG,
      ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
      ConsumerConfig.ISOLATION_LEVEL_CONFIG,
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
      ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

  private final String bootstrapServers;
  private final String clientIdPrefix;
  private final Map<String, String> operatorSettings;
  private final String settingsKey;

  /**
   * @param bootstrapServers  the cluster, {@code host:port[,host:port...]}
   * @param clientIdPrefix    names this process in the brokers' logs and metrics, e.g. {@code testline-bridge-b1}
   * @param operatorSettings  further client settings from config (security etc.)
   * @param settingsKey       the config key those settings come from, for error messages, e.g. {@code kafka.client}
   * @throws ConfigException when the bootstrap servers are blank or a setting is one testline fixes
   */
  public KafkaClientProperties(String bootstrapServers, String clientIdPrefix, Map<String, String> operatorSettings,
      String settingsKey) {
    Objects.requireNonNull(clientIdPrefix, "clientIdPrefix");
    Objects.requireNonNull(operatorSettings, "operatorSettings");
    Objects.requireNonNull(settingsKey, "settingsKey");
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new ConfigException("kafka.bootstrapServers: is required");
    }
    for (String key : new TreeMap<>(operatorSettings).keySet()) {
      if (FIXED.contains(key)) {
        throw new ConfigException(settingsKey + "." + key + ": is set by testline and cannot be configured"
            + " (the delivery promises depend on it)");
      }
    }
    this.bootstrapServers = bootstrapServers;
    this.clientIdPrefix = clientIdPrefix;
    this.operatorSettings = Map.copyOf(operatorSettings);
    this.settingsKey = settingsKey;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** An idempotent producer that waits for every in-sync replica: {@code acks=all}, at most 5 requests in flight. */
  public Map<String, Object> producer(String role) {
    return producer(role, Map.of());
  }

  /** {@link #producer(String)} with the service's own tuning under the operator's settings. */
  public Map<String, Object> producer(String role, Map<String, Object> serviceTuning) {
    Map<String, Object> props = base(role);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    layer(props, serviceTuning);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return props;
  }

  /**
   * A consumer that commits only by hand and reads only committed records, from the earliest offset when its group
   * has none.
   *
   * @param groupId its consumer group, or null for a reader that assigns partitions itself
   */
  public Map<String, Object> consumer(String role, String groupId) {
    return consumer(role, groupId, Map.of());
  }

  /** {@link #consumer(String, String)} with the service's own tuning under the operator's settings. */
  public Map<String, Object> consumer(String role, String groupId, Map<String, Object> serviceTuning) {
    Map<String, Object> props = base(role);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    // a member killed with kill -9 hands its partitions on after 10 s (Kafka's default is 45 s), while a restarted
    // service waits for the dead member to leave before it gets them back; Kafka's 3 s heartbeat fits within it
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
    layer(props, serviceTuning);
    if (groupId != null) {
      props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  /** An admin client (topic creation, offsets, cluster checks). */
  public Map<String, Object> admin(String role) {
    Map<String, Object> props = base(role);
    props.putAll(operatorSettings);
    return props;
  }

  private Map<String, Object> base(String role) {
    Objects.requireNonNull(role, "role");
    Map<String, Object> props = new HashMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix + "-" + role);
    props.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return props;
  }

  private void layer(Map<String, Object> props, Map<String, Object> serviceTuning) {
    props.putAll(serviceTuning);
    props.putAll(operatorSettings);
  }

  @Override
  public String toString() {
    // operator settings may hold secrets (sasl.jaas.config, ssl passwords): their keys only
    return "KafkaClientProperties[" + bootstrapServers + ", " + clientIdPrefix + ", " + settingsKey + "="
        + new TreeMap<>(operatorSettings).keySet() + "]";
  }
}
