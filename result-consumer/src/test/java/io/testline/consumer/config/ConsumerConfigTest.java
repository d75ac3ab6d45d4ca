package io.testline.consumer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.config.ConfigException;
import io.testline.config.ConfigSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerConfigTest {
  private static Map<String, Object> minimal() {
    Map<String, Object> v = new HashMap<>();
    v.put("kafka.bootstrapServers", "localhost:9092");
    v.put("db.url", "jdbc:postgresql://localhost:5432/results");
    return v;
  }

  @Test
  void applies_named_defaults() {
    ConsumerConfig c = ConsumerConfig.load(ConfigSource.of(minimal()));

    assertThat(c.groupId()).isEqualTo(ConsumerConfig.DEFAULT_GROUP_ID);
    assertThat(c.topics().events()).isEqualTo("testline.events");
    assertThat(c.maxPollRecords()).isEqualTo(ConsumerConfig.DEFAULT_MAX_POLL_RECORDS);
    assertThat(c.httpPort()).isEqualTo(ConsumerConfig.DEFAULT_HTTP_PORT);
    assertThat(c.retry().initialDelay()).isEqualTo(ConsumerConfig.DEFAULT_RETRY_INITIAL);
    assertThat(c.retry().deadline()).isNull();
  }

  @Test
  void closed_by_default_the_api_and_the_metrics_listen_on_loopback() {
    ConsumerConfig c = ConsumerConfig.load(ConfigSource.of(minimal()));
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
    assertThat(c.metricsPort()).isEqualTo(ConsumerConfig.DEFAULT_METRICS_PORT);
    assertThat(c.httpAccess().configured()).isFalse();
  }

  @Test
  void the_api_on_every_address_without_authentication_is_refused_naming_the_key() {
    Map<String, Object> v = minimal();
    v.put("http.host", "0.0.0.0");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(v)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("http.host: \"0.0.0.0\" is not a loopback address and no authentication")
        .hasMessageContaining("http.authToken or http.users");
    v.put("http.port", "-1");
    assertThat(ConsumerConfig.load(ConfigSource.of(v)).httpPort()).as("no API, nothing exposed").isEqualTo(-1);
    v.put("http.port", "8083");
    v.put("http.authToken", "0123456789abcdef-token");
    assertThat(ConsumerConfig.load(ConfigSource.of(v)).httpHost()).isEqualTo("0.0.0.0");
  }

  @Test
  void errors_name_the_key_and_the_bad_value() {
    Map<String, Object> v = minimal();
    v.put("db.url", "mysql://x");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(v)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("db.url").hasMessageContaining("mysql://x");

    Map<String, Object> w = minimal();
    w.put("kafka.topicPrefix", "a/b");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(w)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.topicPrefix");

    Map<String, Object> x = minimal();
    x.put("http.port", "70000");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(x)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");

    Map<String, Object> y = minimal();
    y.put("retry.initialDelay", "10s");
    y.put("retry.maxDelay", "1s");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(y)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("retry.maxDelay");
  }

  @Test
  void refuses_unknown_keys_and_missing_required_ones() {
    Map<String, Object> v = minimal();
    v.put("kafka.grupId", "x");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(v)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.grupId");

    Map<String, Object> w = minimal();
    w.remove("db.url");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(w)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("db.url");
  }

  @Test
  void reads_durations_with_units() {
    Map<String, Object> v = minimal();
    v.put("kafka.pollTimeout", "250ms");
    assertThat(ConsumerConfig.load(ConfigSource.of(v)).pollTimeout()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void api_token_and_kafka_security_settings_are_read_but_never_printed() {
    Map<String, Object> v = minimal();
    v.put("db.password", "db-secret-value");
    v.put("http.authToken", "0123456789abcdef-token");
    v.put("kafka.client.security.protocol", "SASL_SSL");
    v.put("kafka.client.sasl.jaas.config", "PlainLoginModule required password=\"kafka-secret\";");
    ConsumerConfig c = ConsumerConfig.load(ConfigSource.of(v));

    assertThat(c.httpAccess().token()).isEqualTo("0123456789abcdef-token");
    assertThat(c.kafkaClient()).containsEntry("security.protocol", "SASL_SSL")
        .containsKey("sasl.jaas.config");
    assertThat(c.toString()).doesNotContain("db-secret-value", "0123456789abcdef-token", "kafka-secret")
        .contains("sasl.jaas.config");
  }

  @Test
  void a_short_api_token_is_refused_naming_the_key() {
    Map<String, Object> v = minimal();
    v.put("http.authToken", "short");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(v)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.authToken");
  }

  @Test
  void a_cursor_key_is_read_never_printed_and_refused_when_short() {
    Map<String, Object> v = minimal();
    assertThat(ConsumerConfig.load(ConfigSource.of(v)).httpCursorKey()).isNull();
    v.put("http.cursorKey", "k7Qy1v0cS4l2tP9mXwE3rB6nJ8hA5dFz-shared");
    ConsumerConfig c = ConsumerConfig.load(ConfigSource.of(v));
    assertThat(c.httpCursorKey()).isEqualTo("k7Qy1v0cS4l2tP9mXwE3rB6nJ8hA5dFz-shared");
    assertThat(c.toString()).doesNotContain("k7Qy1v0cS4l2tP9mXwE3rB6nJ8hA5dFz");

    v.put("http.cursorKey", "too-short-for-hmac");
    assertThatThrownBy(() -> ConsumerConfig.load(ConfigSource.of(v)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.cursorKey");
  }
}
