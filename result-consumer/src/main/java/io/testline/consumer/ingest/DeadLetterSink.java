package io.testline.consumer.ingest;

import java.util.List;

/** Where records that can never be stored go. */
public interface DeadLetterSink extends AutoCloseable {

  /**
   * Hands over {@code rejected} durably before returning, so the caller may commit the records' offsets.
   *
   * @throws RuntimeException when they could not be handed over; the caller retries the batch
   */
  void publish(List<Rejected> rejected);

  @Override
  void close();
}
