package io.testline.shopfloor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShopfloorBridgeConfigTest {

  private static Map<String, Object> minimal() {
    Map<String, Object> m = new HashMap<>();
    m.put("kafka.bootstrapServers", "localhost:9092");
    m.put("db.url", "jdbc:postgresql://localhost/testline");
    m.put("shopfloor.url", "http://mes.local/results");
    return m;
  }

  @Test
  void defaults_fill_everything_but_the_addresses() {
    ShopfloorBridgeConfig config = ShopfloorBridgeConfig.load(ConfigSource.of(minimal()));
    assertThat(config.dispatch().workers()).isEqualTo(16);
    assertThat(config.dispatch().retry().deadline()).isEqualTo(Duration.ofHours(24));
    assertThat(config.dbPoolSize()).isEqualTo(20);
    assertThat(config.topics().events()).isEqualTo("testline.events");
  }

  @Test
  void a_lease_shorter_than_an_attempt_is_refused_naming_the_key() {
    Map<String, Object> m = minimal();
    m.put("dispatch.lease", "5s");
    m.put("shopfloor.requestTimeout", "10s");
    assertThatThrownBy(() -> ShopfloorBridgeConfig.load(ConfigSource.of(m)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("dispatch.lease:");
  }

  @Test
  void bad_values_name_their_key() {
    Map<String, Object> m = minimal();
    m.put("retry.jitter", "2");
    assertThatThrownBy(() -> ShopfloorBridgeConfig.load(ConfigSource.of(m)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("retry.jitter:");
    Map<String, Object> n = minimal();
    n.put("shopfloor.url", "ftp://x/y");
    assertThatThrownBy(() -> ShopfloorBridgeConfig.load(ConfigSource.of(n)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("shopfloor.url:");
  }

  @Test
  void metrics_basic_auth_is_read_and_never_printed() {
    Map<String, Object> m = minimal();
    assertThat(ShopfloorBridgeConfig.load(ConfigSource.of(m)).metricsAuth()).isNull();
    m.put("metrics.username", "prometheus");
    m.put("metrics.password", "scrape-secret-123");
    ShopfloorBridgeConfig config = ShopfloorBridgeConfig.load(ConfigSource.of(m));
    assertThat(config.metricsAuth().username()).isEqualTo("prometheus");
    assertThat(config.toString()).doesNotContain("scrape-secret-123");
  }

  @Test
  void unknown_keys_are_refused() {
    Map<String, Object> m = minimal();
    m.put("dispatch.workerz", "3");
    assertThatThrownBy(() -> ShopfloorBridgeConfig.load(ConfigSource.of(m))).hasMessageContaining("dispatch.workerz");
  }

  @Test
  void kafka_client_settings_pass_through_and_print_without_their_values() {
    Map<String, Object> m = minimal();
    m.put("kafka.client.security.protocol", "SASL_PLAINTEXT");
    m.put("kafka.client.sasl.jaas.config", "PlainLoginModule required password=\"kafka-secret\";");
    ShopfloorBridgeConfig config = ShopfloorBridgeConfig.load(ConfigSource.of(m));
    assertThat(config.kafkaClient()).containsEntry("security.protocol", "SASL_PLAINTEXT").hasSize(2);
    assertThat(config.toString()).contains("sasl.jaas.config").doesNotContain("kafka-secret");
  }
}
