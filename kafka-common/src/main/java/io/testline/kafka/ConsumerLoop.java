package io.testline.kafka;

import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka consumer loop of testline's services: a thread that owns its consumer, polls, hands each batch to a
 * handler and commits exactly the offsets of the records whose effect is durable, oldest first. Built with
 * {@link #builder}.
 *
 * <p>A {@link BatchHandler} is done when it returns. A {@link PipelinedHandler} prepares each batch on this thread
 * and starts it once fewer than {@code maxInFlight} batches are in flight; its offsets are committed when its stage
 * completes: with one in flight, batch N+1 is polled and prepared while N is stored. When a batch fails, it and the
 * batches behind it are dropped, every partition is rewound to the first offset they had there and paused; the loop
 * goes on polling (so the group keeps the consumer, however long the outage) and resumes after the
 * {@link RetryPolicy}'s backoff: nothing is skipped. A failure that is not retryable ends the loop
 * ({@link #failure()}). Before partitions are revoked, and when the loop stops, the batches in flight are awaited
 * (up to the drain timeout) and committed. Optional hooks: a topic read whole before the first poll
 * ({@link RestoreListener}), and a callback after every poll. Stopped by {@link #close()}: a flag plus
 * {@code wakeup()}; the consumer is closed on the loop's thread. Metrics: {@code testline.kafka.loop.batches},
 * {@code .records} and {@code .retries}, tagged with the loop's name.
 */
public final class ConsumerLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final PipelinedHandler handler;
  private final int maxInFlight;
  private final Duration drainTimeout;
  private final Predicate<Throwable> retryable;
  private final Duration pollTimeout;
  private final Runnable afterPoll;
  private final TopicRestore restore;
  private final LoopBackoff backoff;
  private final OffsetCommits commits;
  private final InFlightBatches inFlight = new InFlightBatches();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread thread;
  private volatile Throwable failure;
  private volatile long lag;

  /**
   * A loop named {@code name} (its thread {@code <name>-loop}, its log lines, its metrics' {@code loop} tag) over
   * {@code topics}. It takes ownership of {@code consumer} (auto-commit off: see {@link KafkaClientProperties#consumer}),
   * used and closed on the loop's thread only.
   */
  public static ConsumerLoopBuilder builder(String name, Consumer<byte[], byte[]> consumer, List<String> topics) {
    return new ConsumerLoopBuilder(name, consumer, topics);
  }

  ConsumerLoop(ConsumerLoopBuilder b) {
    this.name = b.name;
    this.consumer = b.consumer;
    this.topics = b.topics;
    this.handler = b.handler;
    this.maxInFlight = b.maxInFlight;
    this.drainTimeout = b.drainTimeout;
    this.retryable = b.retryable;
    this.pollTimeout = b.pollTimeout;
    this.afterPoll = b.afterPoll;
    this.restore = b.restore;
    this.backoff = new LoopBackoff(name, b.retry, b.registry);
    this.commits = new OffsetCommits(name, consumer, closed::get, b.commitAsync);
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

  /** The error that ended the loop, if it ended by itself; null otherwise. */
  public Throwable failure() {
    return failure;
  }

  /** Waits until the loop has ended (after {@link #close()} or a fatal error); false on timeout. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Records behind the end of the assigned partitions, as of the last poll. */
  public long lag() {
    return lag;
  }

  private void run() {
    try {
      if (restore != null) {
        restore.run(consumer, closed::get);
      }
      consumer.subscribe(topics, new Rebalance());
      while (!closed.get()) {
        if (backoff.resumeNow()) {
          consumer.resume(consumer.paused());
        }
        boolean full = inFlight.size() >= maxInFlight;
        // with the room taken, take only what the consumer has fetched already: waiting would delay a commit
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(full ? Duration.ZERO : pollTimeout);
        updateLag();
        PipelinedHandler.Batch next = batch.isEmpty() ? null : prepare(batch);
        if (full) {
          inFlight.await(false, -1);
          if (!commitCompleted(batch)) {
            continue;
          }
        }
        if (next != null) {
          start(next, batch);
        }
        afterPoll.run();
        commitCompleted(ConsumerRecords.empty());
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        failure = e;
        log.error("{}: consumer woken up unexpectedly; stopping", name, e);
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      log.error("{}: stopped by an unexpected failure", name, e);
    } finally {
      try {
        drain(true);
      } catch (RuntimeException | Error e) {
        log.warn("{}: committing the batches in flight failed; they will be read again", name, e);
      }
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      finished.countDown();
    }
  }

  private PipelinedHandler.Batch prepare(ConsumerRecords<byte[], byte[]> batch) {
    try {
      return handler.prepare(batch);
    } catch (InterruptedException e) {
      stopInterrupted();
    } catch (Exception e) {
      failed(e, batch);
    }
    return null;
  }

  private void start(PipelinedHandler.Batch next, ConsumerRecords<byte[], byte[]> batch) {
    CompletableFuture<?> done;
    try {
      done = next.start().toCompletableFuture();
    } catch (InterruptedException e) {
      stopInterrupted();
      return;
    } catch (Exception e) {
      done = CompletableFuture.failedFuture(e);
    }
    inFlight.add(next, batch, done);
  }

  /** The handler was interrupted: stop without committing; the next owner handles the batch again. */
  private void stopInterrupted() {
    Thread.currentThread().interrupt();
    closed.set(true);
  }

  /**
   * Commits the batches done, oldest first, up to the first still in flight. When one failed: rewinds it, the
   * batches behind it and {@code behind} (polled, not started), and returns false.
   */
  private boolean commitCompleted(ConsumerRecords<byte[], byte[]> behind) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    List<InFlightBatches.Entry> done = new ArrayList<>();
    for (InFlightBatches.Entry e = inFlight.completedOldest(); e != null; e = inFlight.completedOldest()) {
      if (e.failed()) {
        commit(offsets, done);
        failed(e.cause(), behind);
        return false;
      }
      inFlight.removeOldest();
      offsets.putAll(e.next());
      done.add(e);
    }
    commit(offsets, done);
    return true;
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets, List<InFlightBatches.Entry> done) {
    if (offsets.isEmpty() || !commits.commit(offsets)) {
      return;
    }
    for (InFlightBatches.Entry e : done) {
      int failures = backoff.committed(e.count());
      if (failures > 0) {
        log.info("{}: batches go through again after {} failed attempts", name, failures);
      }
      e.batch().committed();
    }
  }

  /** Drops what is in flight, rewinds to the first offsets of it and of {@code behind}, and pauses for a backoff. */
  private void failed(Throwable cause, ConsumerRecords<byte[], byte[]> behind) {
    Map<TopicPartition, Long> first = inFlight.dropAll();
    InFlightBatches.firstOffsets(behind).forEach((p, o) -> first.merge(p, o, Math::min));
    if (!retryable.test(cause)) {
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(name + ": a batch failed and is not retried", cause);
    }
    Duration delay = backoff.failed();
    log.warn("{}: a batch failed (attempt {}), rewinding and retrying in {} ms", name, backoff.failures(),
        delay.toMillis(), cause);
    first.forEach((partition, offset) -> {
      if (consumer.assignment().contains(partition)) {
        consumer.seek(partition, offset);
      }
    });
    consumer.pause(consumer.assignment());
  }

  /** Waits for the batches in flight up to the drain timeout, commits those done ({@code commit}), drops the rest. */
  private void drain(boolean commit) {
    inFlight.await(true, drainTimeout.toNanos());
    if (commit) {
      commitCompleted(ConsumerRecords.empty());
    }
    int dropped = inFlight.size();
    if (dropped > 0) {
      log.info("{}: {} batches in flight dropped uncommitted; their records will be read again", name, dropped);
      inFlight.dropAll();
    }
  }

  private void updateLag() {
    long total = 0;
    for (TopicPartition p : consumer.assignment()) {
      total += consumer.currentLag(p).orElse(0);
    }
    lag = total;
  }

  /** Finishes what is in flight before partitions change hands; partitions assigned during a backoff start paused. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      drain(true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      // the partitions are someone else's already: nothing may be committed for them
      drain(false);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      log.info("{}: assigned {} partitions: {}", name, partitions.size(), partitions);
      if (backoff.pausing()) {
        consumer.pause(partitions);
      }
    }
  }

  /** Stops the loop after the batches in flight, waits for its thread and closes the consumer. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (!started.get()) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      finished.countDown();
      return;
    }
    consumer.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(drainTimeout.plus(Duration.ofSeconds(15)).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
