package io.testline.schemas;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A run ended. Self-contained: it repeats the run's description and carries every step and measurement, so no
 * consumer needs any other event to store or submit it.
 *
 * @param exitCode    the process exit code; null when it died by a signal or never started
 * @param signal      the signal that ended the program, by name, e.g. {@code SIGSEGV}
 * @param failingStep the path (or name) of the first step that failed or errored
 * @param crash       where the program crashed or hung, for CRASHED and TIMEOUT runs; null when not collected (and in
 *                    payloads of agents older than the field)
 */
public record RunFinished(
    UUID runId,
    String serialNumber,
    List<UnitUnderTest> units,
    String partNumber,
    String partRevision,
    Program program,
    String operator,
    String workOrder,
    int attempt,
    String testMethod,
    String operation,
    Instant startedAt,
    Instant endedAt,
    long durationMs,
    RunOutcome outcome,
    Integer exitCode,
    String signal,
    Boolean coreDumped,
    String errorCode,
    String errorMessage,
    String failingStep,
    Counts counts,
    LogSummary log,
    List<Step> steps,
    Crash crash) implements Payload {

  public RunFinished {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(program, "program");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(counts, "counts");
    units = List.copyOf(Objects.requireNonNull(units, "units"));
    steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be >= 1, was " + attempt);
    }
  }

  /** A run without a crash section, as written before the field existed. */
  public RunFinished(UUID runId, String serialNumber, List<UnitUnderTest> units, String partNumber,
      String partRevision, Program program, String operator, String workOrder, int attempt, String testMethod,
      String operation, Instant startedAt, Instant endedAt, long durationMs, RunOutcome outcome, Integer exitCode,
      String signal, Boolean coreDumped, String errorCode, String errorMessage, String failingStep, Counts counts,
      LogSummary log, List<Step> steps) {
    this(runId, serialNumber, units, partNumber, partRevision, program, operator, workOrder, attempt, testMethod,
        operation, startedAt, endedAt, durationMs, outcome, exitCode, signal, coreDumped, errorCode, errorMessage,
        failingStep, counts, log, steps, null);
  }

  /** This run with {@code crash} as its crash section. */
  public RunFinished withCrash(Crash crash) {
    return new RunFinished(runId, serialNumber, units, partNumber, partRevision, program, operator, workOrder,
        attempt, testMethod, operation, startedAt, endedAt, durationMs, outcome, exitCode, signal, coreDumped,
        errorCode, errorMessage, failingStep, counts, log, steps, crash);
  }

  /** The description this run started with. */
  public RunStarted started() {
    return new RunStarted(runId, serialNumber, units, partNumber, partRevision, program, operator, workOrder,
        attempt, testMethod, operation);
  }
}
