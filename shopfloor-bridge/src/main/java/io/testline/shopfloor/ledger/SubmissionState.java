package io.testline.shopfloor.ledger;

/** Where a run stands in the ledger. ACCEPTED, REJECTED and DEAD are final until a redrive of a DEAD run. */
public enum SubmissionState {
  /** Waiting for its next attempt (at {@code next_attempt_at}) or its turn behind an older run of the same unit. */
  PENDING,
  /** Claimed by a worker until its lease ends; a crash leaves it to be claimed again after the lease. */
  IN_FLIGHT,
  ACCEPTED,
  REJECTED,
  /** Gave up after the retry deadline; listed and redriven by the CLI. */
  DEAD
}
