package io.testline.kafka;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * What a service does with the records of one poll when their effect becomes durable later than the call returns:
 * stored on a writer thread, or acknowledged by a broker. Both methods are called on the loop's thread, which owns
 * the consumer; the loop commits a batch's offsets once its stage has completed, and the stages of the batches
 * before it too (see {@link ConsumerLoopBuilder#maxInFlight}).
 */
@FunctionalInterface
public interface PipelinedHandler {

  /**
   * Prepares {@code records} (decoding, bookkeeping): may run while batches polled before are still in flight.
   * Throwing rewinds the batch and tries it again after a backoff, like a failed stage.
   */
  Batch prepare(ConsumerRecords<byte[], byte[]> records) throws Exception;

  /** A prepared batch. */
  @FunctionalInterface
  interface Batch {
    /**
     * Starts the batch's effect; called once fewer than {@code maxInFlight} batches are in flight. The stage
     * completes once the effect is durable; when it fails (or this throws) the loop rewinds to the batch's first
     * offsets, drops the batches behind it and tries again after a backoff: handling must be idempotent.
     */
    CompletionStage<?> start() throws Exception;

    /** Called on the loop's thread after the batch's offsets were committed. */
    default void committed() {
    }
  }
}
