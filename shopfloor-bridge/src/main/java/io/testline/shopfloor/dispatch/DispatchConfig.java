package io.testline.shopfloor.dispatch;

import io.testline.retry.RetryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How the dispatcher works through the ledger.
 *
 * @param workers       parallel submissions (at most one per serial number at a time)
 * @param lease         how long a claim is held; past it a crashed worker's run is claimed again
 * @param pollInterval  how often the ledger is checked for due runs when nothing wakes the dispatcher
 * @param retry         backoff and deadline of transient failures
 */
public record DispatchConfig(int workers, Duration lease, Duration pollInterval, RetryPolicy retry) {
  public static final int DEFAULT_WORKERS = 16;
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  public static final RetryPolicy DEFAULT_RETRY =
      new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0, 0.5, Duration.ofHours(24));

  public DispatchConfig {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(retry, "retry");
    if (workers < 1 || workers > 1024) {
      throw new IllegalArgumentException("workers: must be within 1..1024, was " + workers);
    }
    if (retry.deadline() == null) {
      throw new IllegalArgumentException("retry.deadline: is required, or a run could never become DEAD");
    }
  }
}
