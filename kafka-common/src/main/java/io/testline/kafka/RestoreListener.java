package io.testline.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Receives a topic read whole before a {@link ConsumerLoop} subscribes (see {@link ConsumerLoopBuilder#restoreFirst}):
 * a service's own state kept in a compacted topic. Called on the loop's thread.
 */
public interface RestoreListener {

  /** One record of the topic, up to the end offsets seen when the restore began; tombstones included. */
  void restore(ConsumerRecord<byte[], byte[]> record);

  /**
   * The restore is over: {@code records} were read, or the topic does not exist ({@code exists} false; nothing was
   * read). Not called when the loop was closed during the restore.
   */
  void restored(boolean exists, long records);
}
