package io.testline.bridge.support;

import io.testline.bridge.config.BridgeConfig;
import io.testline.bridge.config.KafkaClientProps;
import io.testline.bridge.topics.TopicAdmin;
import io.testline.bridge.topics.TopicCatalog;
import io.testline.brokers.KafkaBroker;
import io.testline.brokers.MqttBroker;
import io.testline.config.ConfigSource;
import io.testline.schemas.TopicNames;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One test's isolated bridge setup on the shared brokers: its own Kafka topic prefix (topics created by the admin
 * command's code, as in production), its own share group, and config values for any number of instances.
 */
public final class BridgeFixture {
  private final KafkaBroker kafka;
  private final MqttBroker mqtt;
  private final String prefix;
  private final String shareGroup;
  private final Map<String, ?> base;

  public BridgeFixture(KafkaBroker kafka, MqttBroker mqtt, String testName) throws Exception {
    this(kafka, mqtt, testName, Map.of());
  }

  /** {@code base} overrides the defaults of every instance and of the topic creation (e.g. replication). */
  public BridgeFixture(KafkaBroker kafka, MqttBroker mqtt, String testName, Map<String, ?> base) throws Exception {
    this.base = Map.copyOf(base);
    this.kafka = kafka;
    this.mqtt = mqtt;
    String unique = UUID.randomUUID().toString().substring(0, 8);
    this.prefix = testName + "-" + unique + ".";
    this.shareGroup = testName + "-" + unique;
    try (TopicAdmin admin = new TopicAdmin(KafkaClientProps.admin(config("admin")))) {
      admin.create(TopicCatalog.of(config("admin"), admin.brokerCount()));
    }
  }

  public TopicNames topics() {
    return new TopicNames(prefix);
  }

  public String shareGroup() {
    return shareGroup;
  }

  /** Config values of instance {@code instanceId}; {@code overrides} win. */
  public Map<String, Object> values(String instanceId, Map<String, ?> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("bridge.instanceId", instanceId);
    values.put("mqtt.url", mqtt.serverUri());
    values.put("mqtt.clientId", shareGroup + "-" + instanceId);
    values.put("mqtt.shareGroup", shareGroup);
    values.put("mqtt.sessionExpiry", "120s");
    values.put("kafka.bootstrapServers", kafka.bootstrapServers());
    values.put("kafka.topicPrefix", prefix);
    values.put("gaps.grace", "2s");
    values.put("gaps.groupId", shareGroup + "-gaps");
    values.put("downlink.groupId", shareGroup + "-downlink");
    values.put("http.port", "0");
    values.put("http.host", "127.0.0.1");
    values.put("topics.partitions", "3");
    values.put("topics.replicationFactor", "1");
    values.put("topics.minInsyncReplicas", "1");
    values.putAll(base);
    values.putAll(overrides);
    return values;
  }

  public BridgeConfig config(String instanceId) {
    return config(instanceId, Map.of());
  }

  public BridgeConfig config(String instanceId, Map<String, ?> overrides) {
    return BridgeConfig.from(ConfigSource.of(values(instanceId, overrides)));
  }
}
