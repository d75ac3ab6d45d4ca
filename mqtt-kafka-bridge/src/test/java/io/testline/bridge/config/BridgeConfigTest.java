package io.testline.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> values = new HashMap<>();
    values.put("kafka.bootstrapServers", "kafka:9092");
    return values;
  }

  @Test
  void uses_named_defaults_when_only_kafka_is_given() {
    BridgeConfig config = BridgeConfig.from(ConfigSource.of(minimal()));
    assertThat(config.mqtt().url()).isEqualTo(BridgeConfig.DEFAULT_MQTT_URL);
    assertThat(config.mqtt().sharedFilter()).isEqualTo("$share/testline-bridge/testline/v1/+/+");
    assertThat(config.mqtt().receiveMaximum()).isEqualTo(BridgeConfig.DEFAULT_RECEIVE_MAXIMUM);
    assertThat(config.kafka().topicPrefix()).isEmpty();
    assertThat(config.instanceId()).isNotBlank();
    assertThat(config.gaps().grace()).isEqualTo(BridgeConfig.DEFAULT_GAP_GRACE);
  }

  @Test
  void metrics_basic_auth_is_read_from_http_username_and_password_and_never_printed() {
    Map<String, Object> values = minimal();
    assertThat(BridgeConfig.from(ConfigSource.of(values)).http().auth()).isNull();
    values.put("http.username", "prometheus");
    values.put("http.password", "scrape-secret-123");
    BridgeConfig config = BridgeConfig.from(ConfigSource.of(values));
    assertThat(config.http().auth().username()).isEqualTo("prometheus");
    assertThat(config.toString()).doesNotContain("scrape-secret-123");
  }

  @Test
  void requires_kafka_bootstrap_servers_naming_the_key_and_variable() {
    assertThatThrownBy(() -> BridgeConfig.from(ConfigSource.of(Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.bootstrapServers");
  }

  @Test
  void rejects_a_bad_value_naming_the_key() {
    Map<String, Object> values = minimal();
    values.put("mqtt.receiveMaximum", "0");
    assertThatThrownBy(() -> BridgeConfig.from(ConfigSource.of(values)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mqtt.receiveMaximum");
    values.put("mqtt.receiveMaximum", "10");
    values.put("mqtt.url", "http://x:1");
    assertThatThrownBy(() -> BridgeConfig.from(ConfigSource.of(values))).hasMessageContaining("mqtt.url");
  }

  @Test
  void rejects_rules_across_keys() {
    Map<String, Object> values = minimal();
    values.put("topics.replicationFactor", "1");
    values.put("topics.minInsyncReplicas", "2");
    assertThatThrownBy(() -> BridgeConfig.from(ConfigSource.of(values)))
        .hasMessageContaining("topics.minInsyncReplicas");
    Map<String, Object> auth = minimal();
    auth.put("mqtt.username", "bridge");
    assertThatThrownBy(() -> BridgeConfig.from(ConfigSource.of(auth))).hasMessageContaining("mqtt.password");
  }

  @Test
  void replication_follows_the_cluster_size_unless_configured() {
    BridgeConfig.TopicSettings auto = BridgeConfig.from(ConfigSource.of(minimal())).topics();
    assertThat(auto.replicationFor(3)).isEqualTo(new BridgeConfig.Replication((short) 3, 2));
    assertThat(auto.replicationFor(5)).isEqualTo(new BridgeConfig.Replication((short) 3, 2));
    assertThat(auto.replicationFor(1)).isEqualTo(new BridgeConfig.Replication((short) 1, 1));
    assertThat(auto.replicationFor(2)).isEqualTo(new BridgeConfig.Replication((short) 1, 1));
    assertThat(auto.acceptUnderReplicated()).isFalse();

    Map<String, Object> values = minimal();
    values.put("topics.replicationFactor", "2");
    BridgeConfig.TopicSettings two = BridgeConfig.from(ConfigSource.of(values)).topics();
    assertThat(two.replicationFor(3)).isEqualTo(new BridgeConfig.Replication((short) 2, 2));
    values.put("topics.replicationFactor", "1");
    assertThat(BridgeConfig.from(ConfigSource.of(values)).topics().replicationFor(3))
        .isEqualTo(new BridgeConfig.Replication((short) 1, 1));

    Map<String, Object> minOnly = minimal();
    minOnly.put("topics.minInsyncReplicas", "2");
    BridgeConfig.TopicSettings onOneBroker = BridgeConfig.from(ConfigSource.of(minOnly)).topics();
    assertThatThrownBy(() -> onOneBroker.replicationFor(1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics.minInsyncReplicas").hasMessageContaining("topics.replicationFactor");
  }

  @Test
  void rejects_unknown_keys_in_the_file(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bridge.yaml");
    Files.writeString(file, "kafka:\n  bootstrapServers: k:9092\nmqtt:\n  recieveMaximum: 5\n");
    assertThatThrownBy(() -> BridgeConfig.load(file, Map.of())).hasMessageContaining("mqtt.recieveMaximum");
  }

  @Test
  void environment_overrides_the_file(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bridge.yaml");
    Files.writeString(file, "kafka:\n  bootstrapServers: k:9092\ngaps:\n  grace: 10s\n");
    BridgeConfig config = BridgeConfig.load(file, Map.of("TESTLINE_BRIDGE_GAPS_GRACE", "5m",
        "TESTLINE_BRIDGE_MQTT_SHARE_GROUP", "line-2"));
    assertThat(config.gaps().grace()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.mqtt().shareGroup()).isEqualTo("line-2");
  }

  @Test
  void a_trust_store_needs_an_ssl_url_and_passwords_never_print() {
    Map<String, Object> plain = minimal();
    plain.put("mqtt.tls.trustStore", "/etc/testline/ca.p12");
    assertThatThrownBy(() -> BridgeConfig.from(ConfigSource.of(plain)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mqtt.tls.trustStore");

    Map<String, Object> tls = minimal();
    tls.put("mqtt.url", "ssl://broker:8883");
    tls.put("mqtt.tls.trustStore", "/etc/testline/ca.p12");
    tls.put("mqtt.tls.trustStorePassword", "store-secret");
    tls.put("mqtt.username", "bridge");
    tls.put("mqtt.password", "mqtt-secret");
    tls.put("kafka.client.sasl.jaas.config", "PlainLoginModule required password=\"kafka-secret\";");
    BridgeConfig config = BridgeConfig.from(ConfigSource.of(tls));
    assertThat(config.mqtt().trustStore()).isEqualTo(Path.of("/etc/testline/ca.p12"));
    assertThat(config.toString()).doesNotContain("store-secret", "mqtt-secret", "kafka-secret")
        .contains("sasl.jaas.config");
  }
}
