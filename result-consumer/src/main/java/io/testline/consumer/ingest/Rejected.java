package io.testline.consumer.ingest;

import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record that can never be stored, with the reason: it goes to the dead-letter topic. */
public record Rejected(ConsumerRecord<byte[], byte[]> record, String detail, Throwable cause) {
  public Rejected {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(detail, "detail");
  }
}
