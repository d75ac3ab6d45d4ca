package io.testline.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The loop's failed attempts in a row and when its paused partitions resume, plus its meters. Used on the loop's
 * thread only.
 */
final class LoopBackoff {
  private final RetryPolicy retry;
  private final SplittableRandom random = new SplittableRandom();
  private final Counter batches;
  private final Counter records;
  private final Counter retries;
  private int failures;
  private long resumeAtNanos;

  LoopBackoff(String name, RetryPolicy retry, MeterRegistry registry) {
    this.retry = retry;
    this.batches = Counter.builder("testline.kafka.loop.batches").tag("loop", name)
        .description("batches handled and committed").register(registry);
    this.records = Counter.builder("testline.kafka.loop.records").tag("loop", name)
        .description("records handled and committed").register(registry);
    this.retries = Counter.builder("testline.kafka.loop.retries").tag("loop", name)
        .description("batches that failed, were rewound and will be tried again").register(registry);
  }

  /** One more failed attempt: the delay before the next, counted. */
  Duration failed() {
    failures++;
    retries.increment();
    Duration delay = retry.delayAfter(failures, random);
    resumeAtNanos = System.nanoTime() + Math.max(1, delay.toNanos());
    return delay;
  }

  int failures() {
    return failures;
  }

  /** A batch of {@code count} records was committed; returns the failed attempts before it (now forgotten). */
  int committed(int count) {
    batches.increment();
    records.increment(count);
    int before = failures;
    failures = 0;
    return before;
  }

  /** True while paused for a backoff. */
  boolean pausing() {
    return resumeAtNanos != 0;
  }

  /** True once, when the backoff is over and the paused partitions may resume. */
  boolean resumeNow() {
    if (resumeAtNanos != 0 && System.nanoTime() - resumeAtNanos >= 0) {
      resumeAtNanos = 0;
      return true;
    }
    return false;
  }
}
