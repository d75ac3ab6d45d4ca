package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopicsTest {
  private static final MessageValidator VALIDATOR = new MessageValidator();

  @Test
  void mqtt_topics_of_the_tree_parse_to_station_and_kind() {
    assertThat(Topics.parseMqttTopic("testline/v1/FCT-L1-03/events"))
        .contains(new Topics.MqttTopic("FCT-L1-03", Topics.Kind.EVENTS));
    assertThat(Topics.mqttTopic("FCT-L1-03", Topics.Kind.VERDICT)).isEqualTo("testline/v1/FCT-L1-03/verdict");
  }

  @Test
  void topics_outside_the_tree_do_not_parse() {
    assertThat(Topics.parseMqttTopic("testline/v1/FCT-L1-03/events/extra")).isEmpty();
    assertThat(Topics.parseMqttTopic("testline/v2/FCT-L1-03/events")).isEmpty();
    assertThat(Topics.parseMqttTopic("testline/v1/FCT-L1-03/bogus")).isEmpty();
    assertThat(Topics.parseMqttTopic("testline/v1//events")).isEmpty();
    assertThat(Topics.parseMqttTopic("testline/v1/bad station/events")).isEmpty();
    assertThatThrownBy(() -> Topics.mqttTopic("a/b", Topics.Kind.EVENTS)).hasMessageContaining("stationId");
  }

  @Test
  void kafka_keys_keep_a_units_runs_together_and_a_runs_log_together() {
    Validation.Valid finished = (Validation.Valid) VALIDATOR.validate(Examples.bytes("run.finished.json"));
    Validation.Valid log = (Validation.Valid) VALIDATOR.validate(Examples.bytes("run.log.json"));
    Validation.Valid heartbeat = (Validation.Valid) VALIDATOR.validate(Examples.bytes("station.heartbeat.json"));

    assertThat(Topics.kafkaTopicOf(finished.type())).isEqualTo(Topics.KAFKA_EVENTS);
    assertThat(Topics.kafkaKeyOf(finished)).isEqualTo("SN2611-000417");
    assertThat(Topics.kafkaTopicOf(log.type())).isEqualTo(Topics.KAFKA_LOGS);
    assertThat(Topics.kafkaKeyOf(log)).isEqualTo("019aaa11-0000-7000-8000-000000000b01");
    assertThat(Topics.kafkaTopicOf(heartbeat.type())).isEqualTo(Topics.KAFKA_STATION_STATE);
    assertThat(Topics.kafkaKeyOf(heartbeat)).isEqualTo("FCT-L1-03");
  }

  @Test
  void every_type_has_an_mqtt_kind_and_a_kafka_topic() {
    for (MessageType type : MessageType.values()) {
      assertThat(Topics.mqttKindOf(type)).isNotNull();
      assertThat(Topics.kafkaTopicOf(type)).startsWith("testline.");
    }
  }

  @Test
  void prefixed_topic_names_keep_the_contract_names_after_the_prefix() {
    TopicNames names = new TopicNames("it-42.");

    assertThat(names.events()).isEqualTo("it-42.testline.events");
    assertThat(names.forType(MessageType.RUN_LOG)).isEqualTo("it-42.testline.logs");
    assertThat(TopicNames.DEFAULT.deadLetter()).isEqualTo(Topics.KAFKA_DEADLETTER);
    assertThat(names.all()).hasSize(7).allMatch(name -> name.startsWith("it-42.testline."));
    assertThatThrownBy(() -> new TopicNames("bad/prefix")).hasMessageStartingWith("prefix");
  }

  @Test
  void station_id_check_agrees_with_the_station_id_pattern() {
    String alphabet = "aZ09._-/+# \n\u00e9";
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder id = new StringBuilder();
      int length = random.nextInt(68);
      for (int j = 0; j < length; j++) {
        id.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = id.toString();
      assertThat(Schemas.isValidStationId(candidate)).as(candidate)
          .isEqualTo(Schemas.STATION_ID.matcher(candidate).matches());
    }
    assertThat(Schemas.isValidStationId("F".repeat(64))).isTrue();
    assertThat(Schemas.isValidStationId("F".repeat(65))).isFalse();
    assertThat(Schemas.isValidStationId("FCT-L1-03\n")).isFalse();
    assertThat(Schemas.isValidStationId(null)).isFalse();
  }
}
