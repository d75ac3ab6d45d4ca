package io.testline.interop.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One stored run as every export format sees it: its description, its outcome once finished, its steps with their
 * measurements, the shopfloor's verdict and the first lines of its log. Text is the store's readable form (U+0000
 * as U+2400); the formats' writers make any of it well-formed.
 *
 * @param outcome     PASS, FAIL, ERROR, TIMEOUT, ABORTED or CRASHED; null while the run is not finished
 * @param log         the log's first lines, at most the loader's bound; {@code logLines} is the stored total
 * @param verdict     null when the shopfloor has not answered
 */
public record RunRecord(
    UUID runId,
    String serialNumber,
    String stationId,
    List<Unit> units,
    String partNumber,
    String partRevision,
    String programName,
    String programVersion,
    String programHash,
    String operator,
    String workOrder,
    int attempt,
    String testMethod,
    String operation,
    Instant startedAt,
    Instant endedAt,
    Long durationMs,
    boolean finished,
    String outcome,
    Integer exitCode,
    String signal,
    String errorCode,
    String errorMessage,
    String failingStep,
    List<StepRecord> steps,
    Verdict verdict,
    List<LogEntry> log,
    long logLines) {

  public RunRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(stationId, "stationId");
    Objects.requireNonNull(programName, "programName");
    Objects.requireNonNull(startedAt, "startedAt");
    units = List.copyOf(units);
    steps = List.copyOf(steps);
    log = List.copyOf(log);
  }

  /** True when more log lines are stored than this record holds. */
  public boolean logTruncated() {
    return logLines > log.size();
  }

  /** One unit of the run (several on a panel). */
  public record Unit(String serialNumber, Integer position, String slot) {}

  /** The shopfloor's answer: ACCEPTED, REJECTED or DEAD, with its code and message. */
  public record Verdict(String verdict, String code, String message, int attempts, Instant occurredAt) {}

  /** One captured log line; {@code partial} when the next entry continues it. */
  public record LogEntry(Instant at, String stream, long line, String text, boolean partial) {}
}
