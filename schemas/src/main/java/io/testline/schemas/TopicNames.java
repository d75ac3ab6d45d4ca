package io.testline.schemas;

import java.util.List;
import java.util.Objects;

/**
 * The Kafka topic names of {@link Topics} under an optional prefix, so several environments or test runs can share
 * one Kafka cluster. Production uses the empty prefix and so the contract's names exactly. Every service that reads
 * or writes testline's Kafka topics takes its names from here.
 */
public record TopicNames(String prefix) {
  public static final TopicNames DEFAULT = new TopicNames("");

  public TopicNames {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("prefix: \"" + prefix + "\" may hold only letters, digits, '.', '_' and '-'");
    }
  }

  public String events() {
    return prefix + Topics.KAFKA_EVENTS;
  }

  public String logs() {
    return prefix + Topics.KAFKA_LOGS;
  }

  public String stationState() {
    return prefix + Topics.KAFKA_STATION_STATE;
  }

  public String verdicts() {
    return prefix + Topics.KAFKA_VERDICTS;
  }

  public String seqGaps() {
    return prefix + Topics.KAFKA_SEQ_GAPS;
  }

  public String seqState() {
    return prefix + Topics.KAFKA_SEQ_STATE;
  }

  public String deadLetter() {
    return prefix + Topics.KAFKA_DEADLETTER;
  }

  /** The topic a valid message of {@code type} is forwarded to. */
  public String forType(MessageType type) {
    return prefix + Topics.kafkaTopicOf(type);
  }

  /** The topics carrying station traffic with {@code seq}. */
  public List<String> sequenced() {
    return List.of(stationState(), events(), logs());
  }

  public List<String> all() {
    return List.of(events(), logs(), stationState(), verdicts(), seqGaps(), seqState(), deadLetter());
  }
}
