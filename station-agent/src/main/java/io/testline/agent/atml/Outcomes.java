package io.testline.agent.atml;

import io.testline.schemas.RunOutcome;
import io.testline.schemas.StepOutcome;

/**
 * ATML outcome values (IEEE 1671 {@code OutcomeValue}, and what TestStand writes) as testline's. {@code UserDefined}
 * takes its {@code qualifier}; a value that is none of these is refused rather than guessed.
 */
final class Outcomes {
  private Outcomes() {}

  static RunOutcome run(String value, String qualifier, String where) {
    return switch (resolved(value, qualifier, where)) {
      case "PASSED", "DONE" -> RunOutcome.PASS;
      case "FAILED" -> RunOutcome.FAIL;
      case "ERROR", "ERRORED" -> RunOutcome.ERROR;
      case "TIMEOUT", "TIMEDOUT" -> RunOutcome.TIMEOUT;
      case "ABORTED", "TERMINATED" -> RunOutcome.ABORTED;
      default -> throw unknown(value, where);
    };
  }

  static StepOutcome step(String value, String qualifier, String where) {
    if (value == null) {
      return StepOutcome.DONE;
    }
    return switch (resolved(value, qualifier, where)) {
      case "PASSED" -> StepOutcome.PASS;
      case "FAILED" -> StepOutcome.FAIL;
      case "DONE" -> StepOutcome.DONE;
      case "SKIPPED", "NOTSTARTED" -> StepOutcome.SKIPPED;
      case "ERROR", "ERRORED", "TIMEOUT", "TIMEDOUT", "ABORTED", "TERMINATED" -> StepOutcome.ERROR;
      default -> throw unknown(value, where);
    };
  }

  private static String resolved(String value, String qualifier, String where) {
    if (value == null) {
      throw new IllegalArgumentException(where + "/@value: missing");
    }
    String v = AtmlImporter.upper(value);
    return v.equals("USERDEFINED") && qualifier != null ? AtmlImporter.upper(qualifier) : v;
  }

  private static IllegalArgumentException unknown(String value, String where) {
    return new IllegalArgumentException(where + "/@value: \"" + value + "\" is not one of [Passed, Failed, Done, "
        + "Skipped, NotStarted, Error, Timeout, Aborted, Terminated]");
  }
}
