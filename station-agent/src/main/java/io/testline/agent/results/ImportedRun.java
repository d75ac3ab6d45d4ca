package io.testline.agent.results;

import io.testline.schemas.LogLine;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.Step;
import java.time.Instant;
import java.util.List;

/**
 * A finished run read from another test tool's result file (an OpenHTF test record, an ATML TestResults document),
 * in testline's model.
 *
 * @param programHash e.g. {@code sha256:} of the test's source, when the file carries it
 * @param log         the file's own log lines, if it has any
 * @param notes       what has no field in testline's model but must not be lost (validators without numeric
 *                    limits, tracebacks, limits of an unknown kind); for the run's agent log
 */
public record ImportedRun(String serialNumber, String programName, String programVersion, String programHash,
    String partNumber, String operator, Instant startedAt, Instant endedAt, RunOutcome outcome, String errorCode,
    String errorMessage, List<Step> steps, List<LogLine> log, List<String> notes) {

  public ImportedRun {
    steps = List.copyOf(steps);
    log = List.copyOf(log);
    notes = List.copyOf(notes);
  }
}
