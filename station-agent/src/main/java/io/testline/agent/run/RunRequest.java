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
    for (String serial : serialNumbers) {
      String problem = serialProblem(serial);
      if (problem != null) {
        throw new IllegalArgumentException("serialNumbers: " + problem);
      }
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command: the test program to run is required");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be >= 1, was " + attempt);
    }
  }

  /** The longest serial number the message contract takes. */
  public static final int MAX_SERIAL_LENGTH = 128;

  /**
   * Why {@code serial} cannot be a run's serial number, or null when it can. The contract (common-1 schema's
   * serialNumber) takes 1 to 128 characters without control characters: a serial it refuses would have every event
   * of the run dead-lettered by the bridge, so the agent refuses it before anything runs (a scanner's trailing CR or
   * a GS1 group separator, U+001D, are the usual cause).
   */
  public static String serialProblem(String serial) {
    if (serial == null || serial.isEmpty()) {
      return "a serial number must not be empty";
    }
    if (serial.length() > MAX_SERIAL_LENGTH) {
      return "serial number of " + serial.length() + " characters is longer than " + MAX_SERIAL_LENGTH;
    }
    for (int i = 0; i < serial.length(); i++) {
      char c = serial.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return String.format("serial number \"%s\" holds the control character U+%04X at %d; serial numbers "
            + "cannot hold control characters", serial.replaceAll("[\\x00-\\x1f\\x7f]", "?"), (int) c, i);
      }
    }
    return null;
  }
}
