package io.testline.consumer.ingest;

import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.TopicNames;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns Kafka records into events. The bridge validated every message before it reached Kafka, so a record that
 * does not bind here slipped through (or was written by something else); it is reported, never stored, never
 * retried. A known event type on a topic not meant for it is refused too: replaying such a topic would otherwise
 * mix streams. Thread-safe.
 */
public final class RecordDecoder {
  private final Map<String, String> topicByType;

  public RecordDecoder(TopicNames topics) {
    this.topicByType = Map.of(
        "events", topics.events(), "logs", topics.logs(), "state", topics.stationState(),
        "verdicts", topics.verdicts());
  }

  public Decoded decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return new Decoded(record, null, new IllegalArgumentException("record has no value (a tombstone)"));
    }
    try {
      var event = EventJson.parse(record.value());
      String expected = expectedTopic(event.type());
      if (!expected.equals(record.topic())) {
        return new Decoded(record, null, new IllegalArgumentException(
            event.schema() + " does not belong on topic " + record.topic() + " but on " + expected));
      }
      return new Decoded(record, event, null);
    } catch (IllegalArgumentException e) {
      return new Decoded(record, null, e);
    }
  }

  private String expectedTopic(MessageType type) {
    return switch (type) {
      case RUN_STARTED, RUN_STEP, RUN_FINISHED -> topicByType.get("events");
      case RUN_LOG, RUN_ATTACHMENT -> topicByType.get("logs");
      case STATION_BIRTH, STATION_DEATH, STATION_HEARTBEAT -> topicByType.get("state");
      case SHOPFLOOR_VERDICT -> topicByType.get("verdicts");
    };
  }
}
