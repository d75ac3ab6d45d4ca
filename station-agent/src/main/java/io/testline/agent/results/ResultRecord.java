package io.testline.agent.results;

import io.testline.schemas.Step;

/** One line of the results channel, understood. */
public sealed interface ResultRecord {
  /** The line number in the results file, from 1. */
  long lineNumber();

  /**
   * A step finished.
   *
   * @param notes what the agent refused of the line while keeping the step (an attachment path outside the run
   *              directory), for the run's agent log
   */
  record StepRecord(long lineNumber, Step step, java.util.List<String> notes) implements ResultRecord {
    public StepRecord {
      notes = java.util.List.copyOf(notes);
    }

    public StepRecord(long lineNumber, Step step) {
      this(lineNumber, step, java.util.List.of());
    }
  }

  /**
   * The program's own verdict on the run, overriding what the agent would infer from steps and exit code (but never a
   * crash, timeout or abort the agent saw).
   */
  record RunRecord(long lineNumber, String outcome, String errorCode, String errorMessage) implements ResultRecord {}

  /** A line that is not a valid record; kept raw and reported in the run's agent log. */
  record Invalid(long lineNumber, String raw, String reason) implements ResultRecord {}
}
