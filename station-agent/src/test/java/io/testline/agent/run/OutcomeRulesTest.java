package io.testline.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.agent.capture.Termination;
import io.testline.agent.results.ResultRecord;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutcomeRulesTest {
  private static final Step FAILED = new Step("rail", "Power/Rail", 0, null, null, StepOutcome.FAIL, null, "LOW",
      null, null);
  private static final Step PASSED = new Step("id", null, 1, null, null, StepOutcome.PASS, null, null, null, null);

  @Test
  void zero_exit_without_failures_passes() {
    assertThat(decide(0, List.of(PASSED), null, List.of()).outcome()).isEqualTo(RunOutcome.PASS);
  }

  @Test
  void a_failed_step_fails_the_run_and_names_the_failing_step() {
    OutcomeRules.Decision d = decide(1, List.of(PASSED, FAILED), null, List.of());
    assertThat(d.outcome()).isEqualTo(RunOutcome.FAIL);
    assertThat(d.failingStep()).isEqualTo("Power/Rail");
    assertThat(d.errorCode()).isEqualTo("LOW");
  }

  @Test
  void non_zero_exit_without_failed_steps_is_an_error_unless_listed_as_fail() {
    assertThat(decide(3, List.of(), null, List.of()).outcome()).isEqualTo(RunOutcome.ERROR);
    assertThat(decide(3, List.of(), null, List.of()).errorCode()).isEqualTo("EXIT_3");
    assertThat(decide(3, List.of(), null, List.of(3)).outcome()).isEqualTo(RunOutcome.FAIL);
  }

  @Test
  void a_signal_death_is_crashed_but_sigint_is_an_abort() {
    assertThat(decide(139, List.of(), null, List.of()).outcome()).isEqualTo(RunOutcome.CRASHED);
    assertThat(decide(130, List.of(), null, List.of()).outcome()).isEqualTo(RunOutcome.ABORTED);
  }

  @Test
  void the_programs_pass_with_a_non_zero_exit_is_an_error() {
    var verdict = new ResultRecord.RunRecord(1, "PASS", null, null);
    assertThat(decide(2, List.of(), verdict, List.of()).outcome()).isEqualTo(RunOutcome.ERROR);
  }

  @Test
  void timeout_wins_over_everything_the_program_said() {
    var observed = new OutcomeRules.Observed(null, Termination.fromExitValue(137), Duration.ofSeconds(5), null,
        List.of(PASSED), null, List.of());
    assertThat(OutcomeRules.decide(observed).outcome()).isEqualTo(RunOutcome.TIMEOUT);
  }

  private static OutcomeRules.Decision decide(int exitValue, List<Step> steps, ResultRecord.RunRecord verdict,
      List<Integer> failCodes) {
    return OutcomeRules.decide(new OutcomeRules.Observed(null, Termination.fromExitValue(exitValue), null, null, steps,
        verdict, failCodes));
  }
}
