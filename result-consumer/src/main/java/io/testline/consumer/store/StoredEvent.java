package io.testline.consumer.store;

import io.testline.schemas.Event;
import java.util.Objects;

/**
 * A parsed event with the Kafka position it was read from, which {@code processed_events} keeps as provenance.
 */
public record StoredEvent(Event<?> event, String topic, int partition, long offset) {
  public StoredEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(topic, "topic");
  }
}
