package io.testline.schemas;

/** How a run ended. */
public enum RunOutcome {
  PASS,
  FAIL,
  /** The test could not reach a verdict: a non-zero exit without failed steps, a bad start, an agent restart. */
  ERROR,
  /** The per-run timeout killed the program's process tree. */
  TIMEOUT,
  /** The operator stopped the run. */
  ABORTED,
  /** The program was killed by a signal such as SIGSEGV. */
  CRASHED
}
