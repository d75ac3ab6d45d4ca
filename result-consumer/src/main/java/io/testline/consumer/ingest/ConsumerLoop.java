package io.testline.consumer.ingest;

import io.testline.consumer.store.WriteStats;
import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns the KafkaConsumer: poll, decode, hand the batch to the writer, commit its offsets; nothing
 * else.
 *
 * <p>Storing is pipelined one batch deep: while the writer thread stores batch N in its database transaction, this
 * thread polls and decodes batch N+1; it then waits for N, commits N's offsets and hands N+1 over. Only this thread
 * touches the consumer. Offsets are committed only after {@link BatchProcessor#store} returned, i.e. after the
 * database commit. When a batch fails transiently, the loop drops the batch polled behind it, rewinds every
 * partition to the failed batch's first offset (or the dropped batch's, for a partition only that one had), pauses
 * all partitions (polling on, so the group keeps the consumer) and tries again after the {@link RetryPolicy}'s
 * backoff: a batch is never skipped. Before partitions are revoked the batch in flight is finished and committed.
 * Stopped by {@link #close()}: a flag plus {@code wakeup()}; the batch in flight is finished, the writer and the
 * consumer are closed in the loop's {@code finally}.
 */
public final class ConsumerLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final BatchProcessor processor;
  private final RetryPolicy retry;
  private final Duration pollTimeout;
  private final IngestMetrics metrics;
  private final CompletableFuture<?> storeAfter;
  private final SplittableRandom random = new SplittableRandom();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile Thread thread;
  private volatile Throwable failure;

  private ExecutorService writer;
  private InFlight inFlight;
  private int failedAttempts;
  private long resumeAtNanos;

  /** A batch handed to the writer thread and not yet committed. */
  private record InFlight(List<ConsumerRecord<byte[], byte[]>> records, Future<WriteStats> result) {}

  /** Takes ownership of {@code consumer}: it is used and closed on the loop's thread only. */
  public ConsumerLoop(Consumer<byte[], byte[]> consumer, List<String> topics, BatchProcessor processor,
      RetryPolicy retry, Duration pollTimeout, IngestMetrics metrics) {
    this(consumer, topics, processor, retry, pollTimeout, metrics, CompletableFuture.completedFuture(null));
  }

  /**
   * Like the other constructor, and the writer stores nothing before {@code storeAfter} completes (the schema
   * migration, run while the consumer joins its group); when it fails, storing fails and the loop ends.
   */
  public ConsumerLoop(Consumer<byte[], byte[]> consumer, List<String> topics, BatchProcessor processor,
      RetryPolicy retry, Duration pollTimeout, IngestMetrics metrics, CompletableFuture<?> storeAfter) {
    this.storeAfter = storeAfter;
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
    writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "result-consumer-writer"));
    try {
      consumer.subscribe(topics, new FinishBeforeRevoke());
      log.info("result consumer started on topics {}", topics);
      while (!closed.get()) {
        resumeWhenDue();
        // with a batch being stored, take only what the consumer has already fetched: waiting here would delay
        // that batch's offset commit
        ConsumerRecords<byte[], byte[]> records = consumer.poll(inFlight == null ? pollTimeout : Duration.ZERO);
        updateLag();
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        BatchProcessor.DecodedBatch next = batch.isEmpty() ? null : processor.decode(batch);
        if (inFlight != null && !finishInFlight(batch)) {
          continue;
        }
        if (next != null) {
          BatchProcessor.DecodedBatch toStore = next;
          inFlight = new InFlight(batch, writer.submit(() -> {
            storeAfter.join();
            return processor.store(toStore);
          }));
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
        finishOnClose();
      } catch (RuntimeException e) {
        log.warn("committing the last stored batch failed; it will be read again", e);
      }
      writer.shutdown();
      try {
        consumer.close();
      } catch (RuntimeException e) {
        log.warn("closing the Kafka consumer failed", e);
      }
      finished.countDown();
      log.info("result consumer stopped");
    }
  }

  /**
   * Waits for the batch in flight and commits it. When it failed transiently, rewinds to it (dropping {@code behind},
   * polled after it), pauses and schedules the retry.
   *
   * @return whether it was stored
   */
  private boolean finishInFlight(List<ConsumerRecord<byte[], byte[]>> behind) {
    InFlight batch = inFlight;
    inFlight = null;
    try {
      await(batch.result());
    } catch (TransientStoreException e) {
      failedAttempts++;
      Duration delay = retry.delayAfter(failedAttempts, random);
      log.warn("storing a batch of {} records failed (attempt {}), retrying in {} ms: {}", batch.records().size(),
          failedAttempts, delay.toMillis(), e.getMessage());
      List<ConsumerRecord<byte[], byte[]>> both = new ArrayList<>(batch.records());
      both.addAll(behind);
      rewind(both);
      consumer.pause(consumer.assignment());
      resumeAtNanos = System.nanoTime() + delay.toNanos();
      return false;
    }
    if (failedAttempts > 0) {
      log.info("storing resumed after {} failed attempts", failedAttempts);
      failedAttempts = 0;
    }
    commit(batch.records());
    return true;
  }

  /** The result of the writer's task; its exception as thrown by the processor. */
  private static WriteStats await(Future<WriteStats> result) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          // the batch is being written; leaving before it ends would commit nothing and rewind nothing
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException("storing a batch failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** On the way out: the batch in flight is finished and, when stored, committed, so it is not read again. */
  private void finishOnClose() {
    InFlight batch = inFlight;
    inFlight = null;
    if (batch == null) {
      return;
    }
    try {
      await(batch.result());
    } catch (RuntimeException | Error e) {
      log.warn("the batch being stored when the consumer stopped failed; it will be read again", e);
      return;
    }
    try {
      commit(batch.records());
    } catch (WakeupException pending) {
      // close() woke the consumer after the loop's last blocking call; the wakeup is spent now
      commit(batch.records());
    }
  }

  /** Finishes the batch in flight before its partitions go to another member, so they are committed as stored. */
  private final class FinishBeforeRevoke implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (inFlight != null) {
        finishInFlight(List.of());
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      // positions come from the committed offsets
      log.info("result consumer assigned {} partitions: {}", partitions.size(), partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // the partitions are someone else's already: nothing may be committed for them; what is stored is idempotent
      if (inFlight != null) {
        InFlight batch = inFlight;
        inFlight = null;
        try {
          await(batch.result());
        } catch (TransientStoreException e) {
          log.warn("a batch failed while its partitions were lost; their new owner reads it again: {}",
              e.getMessage());
        }
      }
    }
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
