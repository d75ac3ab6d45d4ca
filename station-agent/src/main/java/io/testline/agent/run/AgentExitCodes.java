package io.testline.agent.run;

import io.testline.schemas.RunOutcome;
import io.testline.schemas.Verdict;

/**
 * The exit codes of {@code testline-agent}, stable for scripts; documented in the module README. The test outcomes
 * and verdicts (0 to 12) are the agent's own; the rest are testline's one table ({@link io.testline.exit.ExitCodes}).
 */
public final class AgentExitCodes {
  public static final int PASS = 0;
  public static final int FAIL = 1;
  public static final int ERROR = 2;
  public static final int TIMEOUT = 3;
  public static final int ABORTED = 4;
  public static final int CRASHED = 5;
  /** With --wait-verdict: the shopfloor rejected the result. */
  public static final int VERDICT_REJECTED = 10;
  /** With --wait-verdict: testline gave up submitting the result to the shopfloor. */
  public static final int VERDICT_DEAD = 11;
  /** With --wait-verdict: no verdict within run.verdictTimeout; the result is journaled, its upload unconfirmed. */
  public static final int VERDICT_TIMEOUT = 12;
  /** Bad command line (picocli's usage error). */
  public static final int USAGE = io.testline.exit.ExitCodes.USAGE;
  /** The agent failed; see its log. */
  public static final int INTERNAL = io.testline.exit.ExitCodes.SOFTWARE;
  /** The run was refused: journal full or disk full. Nothing ran. */
  public static final int REFUSED = io.testline.exit.ExitCodes.TEMPFAIL;
  /** The configuration is invalid; the message names the key. */
  public static final int CONFIG = io.testline.exit.ExitCodes.CONFIG;

  private AgentExitCodes() {}

  public static int of(RunOutcome outcome) {
    return switch (outcome) {
      case PASS -> PASS;
      case FAIL -> FAIL;
      case ERROR -> ERROR;
      case TIMEOUT -> TIMEOUT;
      case ABORTED -> ABORTED;
      case CRASHED -> CRASHED;
    };
  }

  /** The exit code once the shopfloor answered: its rejection or give-up wins over the test's outcome. */
  public static int of(RunOutcome outcome, Verdict verdict) {
    return switch (verdict) {
      case ACCEPTED -> of(outcome);
      case REJECTED -> VERDICT_REJECTED;
      case DEAD -> VERDICT_DEAD;
    };
  }
}
