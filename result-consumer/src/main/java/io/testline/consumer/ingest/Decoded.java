package io.testline.consumer.ingest;

import io.testline.schemas.Event;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A Kafka record with what decoding made of it: the event, or why it is not one.
 *
 * @param event   the parsed event; null when {@code failure} is set
 * @param failure why the record can never be stored; null when it is an event
 */
public record Decoded(ConsumerRecord<byte[], byte[]> record, Event<?> event, RuntimeException failure) {
  public Decoded {
    Objects.requireNonNull(record, "record");
    if ((event == null) == (failure == null)) {
      throw new IllegalArgumentException("exactly one of event and failure must be given");
    }
  }

  public boolean isEvent() {
    return event != null;
  }
}
