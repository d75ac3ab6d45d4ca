package io.testline.agent.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the operator asked to run: the unit, the program and its limits. Null optional fields fall back to the
 * config's defaults.
 *
 * @param serialNumbers the unit(s) under test; the first is the primary one
 * @param timeout       null: {@code run.timeout}
 */
public record RunRequest(List<String> serialNumbers, String partNumber, String partRevision, String operator,
    String workOrder, int attempt, String testMethod, String operation, String programName, String programVersion,
    List<String> command, Path workDir, Duration timeout) {

  public RunRequest {
    serialNumbers = List.copyOf(Objects.requireNonNull(serialNumbers, "serialNumbers"));
    command = List.copyOf(Objects.requireNonNull(command, "command"));
    if (serialNumbers.isEmpty() || serialNumbers.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("serialNumbers: at least one non-blank serial number is required");
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command: the test program to run is required");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be >= 1, was " + attempt);
    }
  }
}
