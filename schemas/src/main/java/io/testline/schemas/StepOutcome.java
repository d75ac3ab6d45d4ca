package io.testline.schemas;

/** A step's result; {@link #DONE} is an action step with no pass/fail evaluation (TestStand's "Done"). */
public enum StepOutcome {
  PASS,
  FAIL,
  ERROR,
  SKIPPED,
  DONE
}
