package io.testline.cli.monitor;

import java.time.Instant;

/**
 * One station as the monitor sees it: online or since when offline, what it is testing now, its journal backlog,
 * and its finished runs. First-pass yield counts only runs with attempt 1.
 */
public record StationStatus(String stationId, boolean online, Instant offlineSince, boolean gracefulOffline,
    String serialNumber, String step, String runId, String lastOutcome, Long journalDepth, long passed, long failed,
    long firstAttempts, long firstAttemptsPassed) {

  /** Runs with attempt 1 that passed over runs with attempt 1; NaN when there were none. */
  public double firstPassYield() {
    return firstAttempts == 0 ? Double.NaN : (double) firstAttemptsPassed / firstAttempts;
  }
}
