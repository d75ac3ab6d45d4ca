package io.testline.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with a cap, full jitter and a deadline. Pure: the caller passes the time and the random
 * source, so retry schedules kept in a journal or a ledger survive restarts and tests need no sleeps.
 *
 * @param initialDelay delay before the second attempt, before jitter
 * @param maxDelay     cap of any one delay
 * @param multiplier   growth per attempt, at least 1
 * @param jitter       fraction of each delay that is randomised, 0 (none) to 1 (full jitter)
 * @param deadline     how long after the first attempt retrying stops; null for never
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, double multiplier, double jitter,
    Duration deadline) {

  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay: must be > 0, was " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay: must be >= initialDelay, was " + maxDelay);
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier: must be >= 1, was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter: must be within 0..1, was " + jitter);
    }
    if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
      throw new IllegalArgumentException("deadline: must be > 0, was " + deadline);
    }
  }

  /** Retries forever: for reconnecting to a broker. */
  public static RetryPolicy forever(Duration initialDelay, Duration maxDelay) {
    return new RetryPolicy(initialDelay, maxDelay, 2.0, 0.5, null);
  }

  /** The delay before attempt {@code attempt + 1}, given that {@code attempt} attempts (1 or more) failed. */
  public Duration delayAfter(int attempt, RandomGenerator random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be >= 1, was " + attempt);
    }
    double base = initialDelay.toNanos() * Math.pow(multiplier, Math.min(attempt - 1, 62));
    double capped = Math.min(base, maxDelay.toNanos());
    double randomised = capped * (1.0 - jitter * random.nextDouble());
    return Duration.ofNanos(Math.max(1, (long) randomised));
  }

  /**
   * When to try next after {@code attempt} failed attempts, the first at {@code firstAttemptAt}; empty when the
   * deadline has passed or the next attempt would fall after it.
   */
  public Optional<Instant> nextAttemptAt(int attempt, Instant firstAttemptAt, Instant now, RandomGenerator random) {
    Instant next = now.plus(delayAfter(attempt, random));
    if (deadline != null && next.isAfter(firstAttemptAt.plus(deadline))) {
      return Optional.empty();
    }
    return Optional.of(next);
  }
}
