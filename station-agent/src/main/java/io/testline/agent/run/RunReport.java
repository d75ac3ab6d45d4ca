package io.testline.agent.run;

import io.testline.schemas.RunFinished;
import java.nio.file.Path;

/** A finished run as the command line reports it: the journaled run.finished and where its files are. */
public record RunReport(RunFinished finished, Path dir) {
  public int exitCode() {
    return AgentExitCodes.of(finished.outcome());
  }

  /** One line for the operator, e.g. {@code SN1 FAIL (step Power/3V3 FAIL)}. */
  public String summary() {
    StringBuilder sb = new StringBuilder()
        .append(finished.serialNumber()).append(' ').append(finished.outcome());
    if (finished.errorMessage() != null) {
      sb.append(" (").append(finished.errorCode() == null ? "" : finished.errorCode() + ": ")
          .append(finished.errorMessage()).append(')');
    }
    return sb.append(" run ").append(finished.runId()).append(" in ").append(dir).toString();
  }
}
