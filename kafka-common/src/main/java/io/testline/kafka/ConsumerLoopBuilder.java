package io.testline.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Configures a {@link ConsumerLoop}. Exactly one of {@link #handler} and {@link #pipelined} is required; every other
 * setting has a default.
 */
public final class ConsumerLoopBuilder {
  final String name;
  final Consumer<byte[], byte[]> consumer;
  final List<String> topics;
  PipelinedHandler handler;
  int maxInFlight = 1;
  Duration drainTimeout = Duration.ofSeconds(30);
  boolean commitAsync;
  RetryPolicy retry = RetryPolicy.forever(Duration.ofMillis(200), Duration.ofSeconds(10));
  Predicate<Throwable> retryable = e -> true;
  Duration pollTimeout = Duration.ofMillis(500);
  Runnable afterPoll = () -> { };
  TopicRestore restore;
  MeterRegistry registry = new SimpleMeterRegistry();

  ConsumerLoopBuilder(String name, Consumer<byte[], byte[]> consumer, List<String> topics) {
    this.name = Objects.requireNonNull(name, "name");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topics = List.copyOf(topics);
  }

  /** Handles each batch on the loop's thread; its offsets are committed when it returns. */
  public ConsumerLoopBuilder handler(BatchHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return pipelined(records -> () -> {
      handler.handle(records);
      return CompletableFuture.completedFuture(null);
    });
  }

  /** Handles each batch in two steps, its effect durable later: see {@link PipelinedHandler}. */
  public ConsumerLoopBuilder pipelined(PipelinedHandler handler) {
    if (this.handler != null) {
      throw new IllegalStateException("handler: already set");
    }
    this.handler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * How many started batches may wait for their effect (default 1). With 1, the batch polled behind the one in
   * flight is prepared meanwhile and started once that one is committed; above 1 the loop never waits while fewer
   * are in flight, and commits them in order as they complete.
   */
  public ConsumerLoopBuilder maxInFlight(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: must be >= 1, was " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    return this;
  }

  /**
   * How long a rebalance or {@link ConsumerLoop#close()} waits for the batches in flight to be committed (default
   * 30 s); those not done by then are dropped, and whoever owns their partitions next reads them again.
   */
  public ConsumerLoopBuilder drainTimeout(Duration drainTimeout) {
    this.drainTimeout = requireNotNegative(drainTimeout, "drainTimeout");
    return this;
  }

  /**
   * Commits without waiting for Kafka's answer (default: {@code commitSync}), for a loop whose {@link #afterPoll}
   * must run even while Kafka is unreachable: a failed commit is logged and the next one covers its offsets.
   */
  public ConsumerLoopBuilder commitAsync() {
    this.commitAsync = true;
    return this;
  }

  /** The backoff after a failed batch (default 200 ms doubling to 10 s, forever). */
  public ConsumerLoopBuilder retry(RetryPolicy retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /**
   * Which failures of a batch are tried again (default: every exception); any other ends the loop, see
   * {@link ConsumerLoop#failure()}.
   */
  public ConsumerLoopBuilder retryOn(Predicate<Throwable> retryable) {
    this.retryable = Objects.requireNonNull(retryable, "retryable");
    return this;
  }

  /** How long one poll waits for records (default 500 ms); the {@link #afterPoll} hook runs at least that often. */
  public ConsumerLoopBuilder pollTimeout(Duration pollTimeout) {
    this.pollTimeout = requireNotNegative(pollTimeout, "pollTimeout");
    return this;
  }

  /**
   * Runs on the loop's thread after every poll, with records or without, before the loop commits what is done:
   * time-driven work such as flushing what the handler collected.
   */
  public ConsumerLoopBuilder afterPoll(Runnable afterPoll) {
    this.afterPoll = Objects.requireNonNull(afterPoll, "afterPoll");
    return this;
  }

  /** Before the loop subscribes, {@code topic} is read whole into {@code listener}: see {@link RestoreListener}. */
  public ConsumerLoopBuilder restoreFirst(String topic, RestoreListener listener) {
    this.restore = new TopicRestore(name, Objects.requireNonNull(topic, "topic"),
        Objects.requireNonNull(listener, "listener"), Duration.ofMillis(250));
    return this;
  }

  /** Where the loop's meters go (default: nowhere). */
  public ConsumerLoopBuilder registry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  public ConsumerLoop build() {
    if (handler == null) {
      throw new IllegalStateException("handler: required, set handler(...) or pipelined(...)");
    }
    return new ConsumerLoop(this);
  }

  private static Duration requireNotNegative(Duration d, String key) {
    if (Objects.requireNonNull(d, key).isNegative()) {
      throw new IllegalArgumentException(key + ": must be >= 0, was " + d);
    }
    return d;
  }
}
