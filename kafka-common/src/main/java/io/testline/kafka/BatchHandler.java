package io.testline.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * What a service does with the records of one poll. Called on the loop's thread, which owns the consumer.
 */
@FunctionalInterface
public interface BatchHandler {

  /**
   * Handles {@code records} and returns once their effect is durable (stored, published and acknowledged): the loop
   * then commits their offsets. Throwing makes the loop rewind to the batch's first offsets and call again after a
   * backoff: a batch is never skipped, so handling must be idempotent.
   */
  void handle(ConsumerRecords<byte[], byte[]> records) throws Exception;
}
