package io.testline.bridge.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop schedule for a load generator: message i is due at start + i / rate, so a late message does not push
 * the later ones back. A rate of 0 or less means as fast as possible. It parks only when a message is due at least
 * 1 ms ahead, so messages leave in bursts of at most a millisecond's worth: parking for every message of a few
 * thousand per second cost the (measured) sending thread of the Kafka floor more CPU than its sends did.
 */
final class Pacer {
  private static final long GRANULARITY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final long intervalNanos;
  private long first = Long.MIN_VALUE;

  Pacer(double ratePerSecond) {
    intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
  }

  /** Waits until message {@code i} is due (within a millisecond); the first call starts the schedule. */
  void awaitSlot(long i) {
    if (intervalNanos == 0) {
      return;
    }
    if (first == Long.MIN_VALUE) {
      first = System.nanoTime();
    }
    long due = first + i * intervalNanos;
    if (due - System.nanoTime() < GRANULARITY_NANOS) {
      return;
    }
    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }
}
