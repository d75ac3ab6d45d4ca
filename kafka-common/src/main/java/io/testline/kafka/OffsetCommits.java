package io.testline.kafka;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's offset commits: synchronous, or asynchronous where the loop must never wait for Kafka (a failed one is
 * logged, and the next commit covers its offsets; closing the consumer completes those under way). Used on the
 * loop's thread only.
 */
final class OffsetCommits {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final BooleanSupplier closing;
  private final boolean async;

  OffsetCommits(String name, Consumer<byte[], byte[]> consumer, BooleanSupplier closing, boolean async) {
    this.name = name;
    this.consumer = consumer;
    this.closing = closing;
    this.async = async;
  }

  /**
   * Commits {@code offsets}, even when a close woke the consumer up meanwhile. False when Kafka refused them
   * (logged): the effects are durable and idempotent, so whoever reads those records again only repeats them.
   */
  boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (async) {
      consumer.commitAsync(offsets, (committed, failure) -> {
        if (failure != null) {
          log.warn("{}: offset commit failed; the next commit covers it: {}", name, failure.toString());
        }
      });
      return true;
    }
    try {
      try {
        consumer.commitSync(offsets);
      } catch (WakeupException e) {
        // the wakeup is one-shot, so this commit goes through
        consumer.commitSync(offsets);
        if (!closing.getAsBoolean()) {
          throw e;
        }
      }
      return true;
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn("{}: committing offsets failed; the records will be read again: {}", name, e.toString());
      return false;
    }
  }
}
