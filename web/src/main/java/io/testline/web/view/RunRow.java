package io.testline.web.view;

import java.time.Instant;
import java.util.UUID;

/** A run in a list: the runs page and a unit's history. */
public record RunRow(UUID runId, String serial, String stationId, String operation, String program,
    String programVersion, int attempt, Instant startedAt, Long durationMs, boolean finished, String outcome,
    String failingStep, String verdict, String verdictCode) {

  /** What to show as the run's result: its outcome, or RUNNING while not finished. */
  public String shownOutcome() {
    return finished ? (outcome == null ? "UNKNOWN" : outcome) : "RUNNING";
  }
}
