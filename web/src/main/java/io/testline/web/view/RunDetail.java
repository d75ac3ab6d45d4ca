package io.testline.web.view;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything the run page shows of one run. {@code logTotal} counts all its lines, of which {@code log} is the start.
 * {@code crash} is null for a run without a crash section.
 */
public record RunDetail(UUID runId, String serial, String stationId, String operation, String partNumber,
    String partRevision, String program, String programVersion, String operator, String workOrder, int attempt,
    String testMethod, Instant startedAt, Instant endedAt, Long durationMs, boolean finished, String outcome,
    Integer exitCode, String signal, Boolean coreDumped, String errorCode, String errorMessage, String failingStep,
    String verdict, String verdictCode, String verdictMessage, Integer verdictAttempts, List<StepView> steps,
    List<LogLineView> log, long logTotal, CrashView crash) {

  /** This run with another crash section. */
  public RunDetail withCrash(CrashView crash) {
    return new RunDetail(runId, serial, stationId, operation, partNumber, partRevision, program, programVersion,
        operator, workOrder, attempt, testMethod, startedAt, endedAt, durationMs, finished, outcome, exitCode, signal,
        coreDumped, errorCode, errorMessage, failingStep, verdict, verdictCode, verdictMessage, verdictAttempts, steps,
        log, logTotal, crash);
  }

  public String shownOutcome() {
    return finished ? (outcome == null ? "UNKNOWN" : outcome) : "RUNNING";
  }
}
