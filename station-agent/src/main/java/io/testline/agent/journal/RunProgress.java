package io.testline.agent.journal;

import io.testline.schemas.Step;
import java.util.UUID;

/**
 * How far a run's output and results have been journaled, recorded in the same transaction as the event that
 * carried them, so a restart after a crash knows exactly what is still to send. Null fields stay unchanged.
 *
 * @param lastStep the name (or path) of the step journaled last, for the station's heartbeat
 */
public record RunProgress(UUID runId, Long stdoutLines, Long stderrLines, Long nextChunk, Long stepsEmitted,
    String lastStep) {

  /** After journaling {@code step}, the run's {@code stepsEmitted}-th. */
  public static RunProgress afterStep(UUID runId, long stepsEmitted, Step step) {
    return new RunProgress(runId, null, null, null, stepsEmitted, step.path() != null ? step.path() : step.name());
  }
}
