package io.testline.agent.run;

import io.testline.agent.capture.Signals;
import io.testline.agent.capture.Termination;
import io.testline.agent.results.ResultRecord;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a run's outcome follows from what the agent saw. In order: a failed start is ERROR; the agent's timeout is
 * TIMEOUT; an operator abort (or death by SIGINT, SIGTERM or SIGHUP) is ABORTED; any other death by signal is
 * CRASHED. Otherwise the program's own verdict on the results channel counts (a PASS with a non-zero exit is ERROR),
 * then the steps (a failed step makes FAIL, an errored one ERROR), then the exit code: 0 is PASS, a code listed in
 * {@code run.failExitCodes} is FAIL, any other is ERROR.
 */
public final class OutcomeRules {
  private OutcomeRules() {}

  /** The decided outcome with the code and message an operator and the shopfloor see. */
  public record Decision(RunOutcome outcome, String errorCode, String errorMessage, String failingStep) {}

  /** What the agent observed of a run. */
  public record Observed(String startError, Termination termination, Duration timedOutAfter, String abortReason,
      List<Step> steps, ResultRecord.RunRecord programVerdict, List<Integer> failExitCodes) {}

  public static Decision decide(Observed o) {
    String failingStep = firstFailing(o.steps()).map(s -> s.path() != null ? s.path() : s.name()).orElse(null);
    if (o.startError() != null) {
      return new Decision(RunOutcome.ERROR, "START_FAILED", o.startError(), failingStep);
    }
    if (o.timedOutAfter() != null) {
      return new Decision(RunOutcome.TIMEOUT, "TIMEOUT",
          "no exit within " + o.timedOutAfter() + "; the process tree was killed", failingStep);
    }
    if (o.abortReason() != null) {
      return new Decision(RunOutcome.ABORTED, "ABORTED", o.abortReason(), failingStep);
    }
    Termination t = o.termination();
    if (t.bySignal()) {
      if (Signals.isStopRequest(t.signal())) {
        return new Decision(RunOutcome.ABORTED, "ABORTED", "the program was " + t.describe(), failingStep);
      }
      return new Decision(RunOutcome.CRASHED, "CRASHED", t.describe(), failingStep);
    }
    int exit = t.exitCode();
    ResultRecord.RunRecord verdict = o.programVerdict();
    if (verdict != null && verdict.outcome() != null) {
      RunOutcome said = RunOutcome.valueOf(verdict.outcome());
      if (said == RunOutcome.PASS && exit != 0) {
        return new Decision(RunOutcome.ERROR, "EXIT_" + exit,
            "the results say PASS but the program ended with exit code " + exit, failingStep);
      }
      return new Decision(said, verdict.errorCode(), verdict.errorMessage(), failingStep);
    }
    String code = verdict == null ? null : verdict.errorCode();
    String message = verdict == null ? null : verdict.errorMessage();
    Optional<Step> failing = firstFailing(o.steps());
    if (failing.isPresent()) {
      Step s = failing.get();
      RunOutcome outcome = s.outcome() == StepOutcome.FAIL ? RunOutcome.FAIL : RunOutcome.ERROR;
      return new Decision(outcome, code != null ? code : s.errorCode(),
          message != null ? message : "step " + failingStep + " " + s.outcome(), failingStep);
    }
    if (exit == 0) {
      return new Decision(RunOutcome.PASS, code, message, null);
    }
    if (o.failExitCodes().contains(exit)) {
      return new Decision(RunOutcome.FAIL, code != null ? code : "EXIT_" + exit,
          message != null ? message : "exit code " + exit, null);
    }
    return new Decision(RunOutcome.ERROR, code != null ? code : "EXIT_" + exit,
        message != null ? message : "exit code " + exit + " without a failed step", null);
  }

  private static Optional<Step> firstFailing(List<Step> steps) {
    return steps.stream()
        .filter(s -> s.outcome() == StepOutcome.FAIL || s.outcome() == StepOutcome.ERROR)
        .findFirst();
  }
}
