package io.testline.agent.run;

import io.testline.agent.capture.Termination;
import io.testline.schemas.Counts;
import io.testline.schemas.LogSummary;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Builds the self-contained run.finished: the run's description again, every step, the tallies and the log digest. */
public final class RunFinishedFactory {
  private RunFinishedFactory() {}

  static RunFinished build(RunStarted s, Instant startedAt, Instant endedAt, OutcomeRules.Decision d,
      Termination termination, List<Step> steps, LogSummary log) {
    return new RunFinished(s.runId(), s.serialNumber(), s.units(), s.partNumber(), s.partRevision(), s.program(),
        s.operator(), s.workOrder(), s.attempt(), s.testMethod(), s.operation(), startedAt, endedAt,
        Math.max(0, Duration.between(startedAt, endedAt).toMillis()), d.outcome(),
        termination == null ? null : termination.exitCode(),
        termination == null ? null : termination.signalName(),
        termination == null || !termination.bySignal() ? null : termination.coreDumped(),
        d.errorCode(), truncate(d.errorMessage()), d.failingStep(), counts(steps), log, steps);
  }

  /** The step and measurement tallies of {@code steps}, as every run.finished carries them. */
  public static Counts counts(List<Step> steps) {
    long passed = steps.stream().filter(s -> s.outcome() == StepOutcome.PASS).count();
    long failed = steps.stream().filter(s -> s.outcome() == StepOutcome.FAIL).count();
    long errored = steps.stream().filter(s -> s.outcome() == StepOutcome.ERROR).count();
    long skipped = steps.stream().filter(s -> s.outcome() == StepOutcome.SKIPPED).count();
    List<Measurement> ms = steps.stream().filter(s -> s.measurements() != null)
        .flatMap(s -> s.measurements().stream()).toList();
    long mFailed = ms.stream().filter(m -> m.outcome() == MeasurementOutcome.FAIL).count();
    return new Counts(steps.size(), passed, failed, errored, skipped, (long) ms.size(), mFailed);
  }

  private static String truncate(String text) {
    return text == null || text.length() <= 8192 ? text : text.substring(0, 8192);
  }
}
