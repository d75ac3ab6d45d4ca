package io.testline.kafka;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The loop's started batches, oldest first, with the offsets each covers. Used on the loop's thread only. */
final class InFlightBatches {

  /** A started batch: where it began, what to commit once {@code done} completes, and how many records it had. */
  record Entry(PipelinedHandler.Batch batch, Map<TopicPartition, Long> first,
      Map<TopicPartition, OffsetAndMetadata> next, int count, CompletableFuture<?> done) {

    boolean failed() {
      return done.isCompletedExceptionally();
    }

    /** The exception the batch failed with, unwrapped. */
    Throwable cause() {
      try {
        done.join();
        throw new IllegalStateException("the batch did not fail");
      } catch (CompletionException e) {
        return e.getCause() == null ? e : e.getCause();
      } catch (RuntimeException e) {
        return e;
      }
    }
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  int size() {
    return entries.size();
  }

  void add(PipelinedHandler.Batch batch, ConsumerRecords<byte[], byte[]> records, CompletableFuture<?> done) {
    entries.add(new Entry(batch, firstOffsets(records), nextOffsets(records), records.count(), done));
  }

  /** The oldest batch, when its stage has completed (either way); null otherwise. */
  Entry completedOldest() {
    Entry oldest = entries.peek();
    return oldest != null && oldest.done().isDone() ? oldest : null;
  }

  Entry removeOldest() {
    return entries.remove();
  }

  /**
   * Waits for the oldest batch, or for all with {@code all}, at most {@code timeoutNanos} (negative: without
   * limit). Not interruptible: a batch being stored cannot be abandoned half-way; the interrupt is kept.
   */
  void await(boolean all, long timeoutNanos) {
    if (entries.isEmpty()) {
      return;
    }
    CompletableFuture<?> wait = all
        ? CompletableFuture.allOf(entries.stream().map(Entry::done).toArray(CompletableFuture[]::new))
        : entries.peek().done();
    long deadline = System.nanoTime() + timeoutNanos;
    boolean interrupted = false;
    try {
      while (!wait.isDone()) {
        try {
          if (timeoutNanos < 0) {
            wait.get();
          } else {
            wait.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          }
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | TimeoutException e) {
          return;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Forgets every batch in flight; returns, per partition, the first offset any of them had there. */
  Map<TopicPartition, Long> dropAll() {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (Entry e : entries) {
      e.first().forEach((p, o) -> first.merge(p, o, Math::min));
    }
    entries.clear();
    return first;
  }

  /** For each partition of {@code batch}, the offset of its first record. */
  static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<byte[], byte[]> batch) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition partition : batch.partitions()) {
      offsets.put(partition, batch.records(partition).get(0).offset());
    }
    return offsets;
  }

  /** For each partition of {@code batch}, the offset after its last record: exactly what was handled. */
  static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : batch.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> list = batch.records(partition);
      offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return offsets;
  }
}
