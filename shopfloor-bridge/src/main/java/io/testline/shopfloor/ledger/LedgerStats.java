package io.testline.shopfloor.ledger;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of the ledger for metrics.
 *
 * @param byState       number of runs per state
 * @param oldestPending received_at of the oldest run not yet final; null when none
 */
public record LedgerStats(Map<SubmissionState, Long> byState, Instant oldestPending) {
  public long count(SubmissionState state) {
    return byState.getOrDefault(state, 0L);
  }

  /** Runs not yet final: pending and in flight. */
  public long backlog() {
    return count(SubmissionState.PENDING) + count(SubmissionState.IN_FLIGHT);
  }
}
