package io.testline.bridge.forward;

import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import io.testline.schemas.Validation;
import java.util.Optional;

/**
 * Decides the {@link Route} of one message from its MQTT topic and bytes: the topic must be of the tree, the payload
 * valid, its station the topic's and its type the one the topic's kind carries. Pure and thread-safe.
 */
public final class Router {
  private final MessageValidator validator;
  private final TopicNames topics;

  public Router(MessageValidator validator, TopicNames topics) {
    this.validator = validator;
    this.topics = topics;
  }

  public Route route(String mqttTopic, byte[] payload) {
    Optional<Topics.MqttTopic> parsed = Topics.parseMqttTopic(mqttTopic);
    if (parsed.isEmpty()) {
      return new Route.DeadLetter(DeadLetterReason.BAD_TOPIC,
          "topic \"" + abbreviate(mqttTopic) + "\" is not testline/v1/<stationId>/<kind>");
    }
    Topics.MqttTopic topic = parsed.get();
    if (topic.kind().downlink()) {
      return new Route.Downlink();
    }
    Validation validation = validator.validate(payload, topic.stationId());
    if (validation instanceof Validation.Invalid invalid) {
      return new Route.DeadLetter(invalid.reason(), invalid.detail());
    }
    Validation.Valid valid = (Validation.Valid) validation;
    Topics.Kind expected = Topics.mqttKindOf(valid.type());
    if (expected != topic.kind()) {
      return new Route.DeadLetter(DeadLetterReason.BAD_TOPIC, valid.type().schemaId() + " belongs on "
          + expected.level() + ", not on " + topic.kind().level());
    }
    return new Route.Forward(topics.forType(valid.type()), Topics.kafkaKeyOf(valid), valid.type(), valid.eventId());
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
