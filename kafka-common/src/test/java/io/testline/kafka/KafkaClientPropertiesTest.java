package io.testline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.config.ConfigException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {
  private static final Map<String, String> SASL = Map.of(
      "security.protocol", "SASL_SSL",
      "sasl.jaas.config", "PlainLoginModule required username=\"b\" password=\"kafka-secret\";",
      "request.timeout.ms", "20000");

  private final KafkaClientProperties props =
      new KafkaClientProperties("k1:9092,k2:9092", "testline-bridge-b1", SASL, "kafka.client");

  @Test
  void a_producer_is_idempotent_with_acks_all_whatever_the_service_asks() {
    Map<String, Object> producer = props.producer("forward", Map.of(
        ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "1"));

    assertThat(producer)
        .containsEntry("bootstrap.servers", "k1:9092,k2:9092")
        .containsEntry("client.id", "testline-bridge-b1-forward")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void the_operators_settings_win_over_the_services_tuning() {
    Map<String, Object> producer = props.producer("forward", Map.of("request.timeout.ms", 5000));

    assertThat(producer).containsEntry("request.timeout.ms", "20000");
  }

  @Test
  void a_consumer_commits_by_hand_and_reads_only_committed_records() {
    Map<String, Object> grouped = props.consumer("intake", "testline-shopfloor-bridge",
        Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true));
    Map<String, Object> reader = props.consumer("rebuild", null);

    assertThat(grouped)
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "testline-shopfloor-bridge")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500)
        .containsEntry("sasl.jaas.config", SASL.get("sasl.jaas.config"));
    assertThat(reader).doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG)
        .containsEntry("client.id", "testline-bridge-b1-rebuild");
  }

  @Test
  void a_killed_consumer_hands_its_partitions_on_after_ten_seconds_unless_the_operator_says_otherwise() {
    assertThat(props.consumer("intake", "g"))
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
        .as("Kafka's own heartbeat, 3 s, a third of the session").doesNotContainKey(
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
    KafkaClientProperties patient = new KafkaClientProperties("k1:9092", "testline-consumer",
        Map.of("session.timeout.ms", "45000"), "kafka.client");
    assertThat(patient.consumer("intake", "g")).containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000");
  }

  @Test
  void an_operator_setting_that_would_break_a_promise_is_refused_naming_the_key() {
    assertThatThrownBy(() -> new KafkaClientProperties("k:9092", "x", Map.of("acks", "1"), "kafka.client"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafka.client.acks: ");
    assertThatThrownBy(() -> new KafkaClientProperties("k:9092", "x", Map.of("enable.auto.commit", "true"),
        "kafka.client"))
        .hasMessageStartingWith("kafka.client.enable.auto.commit: ");
    assertThatThrownBy(() -> new KafkaClientProperties(" ", "x", Map.of(), "kafka.client"))
        .hasMessageStartingWith("kafka.bootstrapServers: ");
  }

  @Test
  void its_text_names_the_settings_but_never_their_values() {
    assertThat(props.toString()).contains("sasl.jaas.config").doesNotContain("kafka-secret");
  }
}
