package io.testline.agent.journal;

import java.util.UUID;

/**
 * How far a run's output and results have been journaled, recorded in the same transaction as the event that
 * carried them, so a restart after a crash knows exactly what is still to send. Null fields stay unchanged.
 */
public record RunProgress(UUID runId, Long stdoutLines, Long stderrLines, Long nextChunk, Long stepsEmitted) {
  public static RunProgress steps(UUID runId, long stepsEmitted) {
    return new RunProgress(runId, null, null, null, stepsEmitted);
  }
}
