package io.testline.bridge.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop schedule for a load generator: message i is due at start + i / rate, so a late message does not push
 * the later ones back. A rate of 0 or less means as fast as possible.
 */
final class Pacer {
  private final long intervalNanos;
  private long first = Long.MIN_VALUE;

  Pacer(double ratePerSecond) {
    intervalNanos = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
  }

  /** Waits until message {@code i} is due; the first call starts the schedule. */
  void awaitSlot(long i) {
    if (intervalNanos == 0) {
      return;
    }
    if (first == Long.MIN_VALUE) {
      first = System.nanoTime();
    }
    for (long wait = first + i * intervalNanos - System.nanoTime(); wait > 0;
        wait = first + i * intervalNanos - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
  }
}
