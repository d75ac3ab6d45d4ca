package io.testline.consumer.ingest;

import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns the KafkaConsumer: poll, store the batch, commit its offsets; nothing else.
 *
 * <p>Offsets are committed only after {@link BatchProcessor#process} returned, i.e. after the database commit. When
 * the batch fails transiently, the loop rewinds every partition of the batch to its first offset, pauses all
 * partitions (polling on, so the group keeps the consumer) and tries again after the {@link RetryPolicy}'s backoff:
 * a batch is never skipped. Stopped by {@link #close()}: a flag plus {@code wakeup()}; the consumer is closed in the
 * loop's {@code finally}.
 */
public final class ConsumerLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final BatchProcessor processor;
  private final RetryPolicy retry;
  private final Duration pollTimeout;
  private final IngestMetrics metrics;
  private final SplittableRandom random = new SplittableRandom();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile Thread thread;
  private volatile Throwable failure;

  private int failedAttempts;
  private long resumeAtNanos;

  /** Takes ownership of {@code consumer}: it is used and closed on the loop's thread only. */
  public ConsumerLoop(Consumer<byte[], byte[]> consumer, List<String> topics, BatchProcessor processor,
      RetryPolicy retry, Duration pollTimeout, IngestMetrics metrics) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.processor = processor;
    this.retry = retry;
    this.pollTimeout = pollTimeout;
    this.metrics = metrics;
  }

  /** Starts the loop on its own thread. Idempotent. */
  public void start() {
    if (started.compareAndSet(false, true)) {
      Thread t = new Thread(this::run, "result-consumer-loop");
      thread = t;
      t.start();
    }
  }

  /** The error that ended the loop, if it ended by itself. */
  public Throwable failure() {
    return failure;
  }

  /** Waits until the loop has ended (after {@link #close()} or a fatal error). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run() {
    try {
      consumer.subscribe(topics);
      log.info("result consumer started on topics {}", topics);
      while (!closed.get()) {
        resumeWhenDue();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
        updateLag();
        if (!records.isEmpty()) {
          handle(records);
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        failure = e;
        log.error("result consumer woken up unexpectedly", e);
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      log.error("result consumer stopped by an unexpected error", e);
    } finally {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        log.warn("closing the Kafka consumer failed", e);
      }
      finished.countDown();
      log.info("result consumer stopped");
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> records) {
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
    records.forEach(batch::add);
    try {
      processor.process(batch);
    } catch (TransientStoreException e) {
      failedAttempts++;
      Duration delay = retry.delayAfter(failedAttempts, random);
      log.warn("storing a batch of {} records failed (attempt {}), retrying in {} ms: {}", batch.size(),
          failedAttempts, delay.toMillis(), e.getMessage());
      rewind(batch);
      consumer.pause(consumer.assignment());
      resumeAtNanos = System.nanoTime() + delay.toNanos();
      return;
    }
    if (failedAttempts > 0) {
      log.info("storing resumed after {} failed attempts", failedAttempts);
      failedAttempts = 0;
    }
    commit(batch);
  }

  private void commit(List<ConsumerRecord<byte[], byte[]>> batch) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      // the rows are stored and idempotent: whoever reads these records again skips them
      log.warn("committing offsets failed after the database commit; the records will be read again: {}",
          e.toString());
      return;
    }
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      metrics.committed(r.timestamp(), now);
    }
  }

  /** Seeks each partition of the batch back to the batch's first record there. */
  private void rewind(List<ConsumerRecord<byte[], byte[]>> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      first.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
    }
    first.forEach((tp, offset) -> {
      if (consumer.assignment().contains(tp)) {
        consumer.seek(tp, offset);
      }
    });
  }

  private void resumeWhenDue() {
    if (resumeAtNanos != 0 && System.nanoTime() - resumeAtNanos >= 0) {
      resumeAtNanos = 0;
      consumer.resume(consumer.paused());
    }
  }

  private void updateLag() {
    long total = 0;
    for (TopicPartition tp : consumer.assignment()) {
      total += consumer.currentLag(tp).orElse(0);
    }
    metrics.lag(total);
  }

  /** Stops the loop and waits for it to close the consumer. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Thread t = thread;
      if (t == null) {
        consumer.close();
        finished.countDown();
        return;
      }
      consumer.wakeup();
      if (t != Thread.currentThread()) {
        try {
          if (!finished.await(30, TimeUnit.SECONDS)) {
            log.warn("result consumer loop did not stop within 30 s");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
