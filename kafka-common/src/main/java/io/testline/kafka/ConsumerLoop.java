package io.testline.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka consumer loop of testline's services: a thread that owns its consumer, polls, hands each batch to a
 * {@link BatchHandler} and commits exactly the offsets of the records it handled, after the handler returned.
 *
 * <p>When the handler fails, every partition of the batch is rewound to its first offset and paused; the loop goes
 * on polling (so the group keeps the consumer, however long the outage) and resumes after the {@link RetryPolicy}'s
 * backoff: nothing is skipped. A rebalance drops what was rewound for partitions the consumer no longer owns (their
 * new owner starts at the last commit); partitions it keeps stay rewound. Stopped by {@link #close()}: a flag plus
 * {@code wakeup()}; the batch being handled is finished first, and the consumer is closed on the loop's thread.
 * Metrics: {@code testline.kafka.loop.batches}, {@code .records} and {@code .retries}, tagged with the loop's name.
 */
public final class ConsumerLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final BatchHandler handler;
  private final RetryPolicy retry;
  private final Duration pollTimeout;
  private final Duration closeTimeout;
  private final Counter batches;
  private final Counter records;
  private final Counter retries;
  private final SplittableRandom random = new SplittableRandom();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  private int failures;
  private long resumeAtNanos;

  /**
   * Takes ownership of {@code consumer} (auto-commit off: see {@link KafkaClientProperties#consumer}); it is used and
   * closed on the loop's thread only.
   *
   * @param name names the thread ({@code <name>-loop}), the log lines and the metrics' {@code loop} tag
   */
  public ConsumerLoop(String name, Consumer<byte[], byte[]> consumer, List<String> topics, BatchHandler handler,
      RetryPolicy retry, Duration pollTimeout, MeterRegistry registry) {
    this.name = Objects.requireNonNull(name, "name");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topics = List.copyOf(topics);
    this.handler = Objects.requireNonNull(handler, "handler");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
    this.closeTimeout = Duration.ofSeconds(5);
    this.batches = Counter.builder("testline.kafka.loop.batches").tag("loop", name)
        .description("batches handled and committed").register(registry);
    this.records = Counter.builder("testline.kafka.loop.records").tag("loop", name)
        .description("records handled and committed").register(registry);
    this.retries = Counter.builder("testline.kafka.loop.retries").tag("loop", name)
        .description("batches that failed, were rewound and will be tried again").register(registry);
    this.thread = new Thread(this::run, name + "-loop");
    this.thread.setDaemon(true);
  }

  /** Starts the loop's thread. Idempotent; a closed loop does not start. */
  public void start() {
    if (!closed.get() && started.compareAndSet(false, true)) {
      thread.start();
    }
  }

  /** True while the loop's thread runs. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  private void run() {
    try {
      consumer.subscribe(topics, new Rebalance());
      while (!closed.get()) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(pollTimeout);
        if (resumeAtNanos != 0 && System.nanoTime() - resumeAtNanos >= 0) {
          consumer.resume(consumer.paused());
          resumeAtNanos = 0;
        }
        if (!batch.isEmpty()) {
          handle(batch);
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        log.error("{}: consumer woken up unexpectedly; stopping", name, e);
      }
    } catch (RuntimeException e) {
      log.error("{}: stopped by an unexpected failure", name, e);
    } finally {
      consumer.close(CloseOptions.timeout(closeTimeout));
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> batch) {
    try {
      handler.handle(batch);
    } catch (WakeupException e) {
      throw e;
    } catch (InterruptedException e) {
      // the handler was interrupted: stop without committing; the next owner handles the batch again
      Thread.currentThread().interrupt();
      closed.set(true);
      return;
    } catch (Exception e) {
      failures++;
      retries.increment();
      Duration delay = retry.delayAfter(failures, random);
      log.warn("{}: batch of {} records failed (attempt {}), rewinding and retrying in {}", name, batch.count(),
          failures, delay, e);
      rewindAndPause(batch, delay);
      return;
    }
    commit(nextOffsets(batch));
    failures = 0;
    batches.increment();
    records.increment(batch.count());
  }

  /** Commits, even when {@link #close()} woke the consumer up while the handler worked (the wakeup is one-shot). */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      consumer.commitSync(offsets);
      throw e;
    }
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

  private void rewindAndPause(ConsumerRecords<byte[], byte[]> batch, Duration delay) {
    for (TopicPartition partition : batch.partitions()) {
      if (consumer.assignment().contains(partition)) {
        consumer.seek(partition, batch.records(partition).get(0).offset());
      }
    }
    consumer.pause(consumer.assignment());
    resumeAtNanos = System.nanoTime() + Math.max(1, delay.toNanos());
  }

  /** Partitions assigned while paused for a backoff start paused too; revoked ones need nothing: nothing is kept. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // every batch is committed or rewound before the next poll, so nothing is in flight here
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (resumeAtNanos != 0) {
        consumer.pause(partitions);
      }
    }
  }

  /** Stops the loop after the batch in hand, waits for its thread (up to 15 s) and closes the consumer. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (started.get()) {
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(15).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
  }
}
