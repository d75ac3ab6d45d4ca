package io.testline.schemas;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A test run began.
 *
 * @param serialNumber the primary unit's serial number (the first of {@code units}): the key that keeps all
 *                     runs of one unit in order
 * @param attempt      1 for the first test of the unit at this operation, 2 for the first retest, ...
 * @param testMethod   the kind of test, e.g. ICT, FCT, BURN_IN, EOL
 * @param operation    the route step the shopfloor expects this test at
 */
public record RunStarted(
    UUID runId,
    String serialNumber,
    List<UnitUnderTest> units,
    String partNumber,
    String partRevision,
    Program program,
    String operator,
    String workOrder,
    int attempt,
    String testMethod,
    String operation) implements Payload {

  public RunStarted {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(program, "program");
    units = List.copyOf(Objects.requireNonNull(units, "units"));
    if (units.isEmpty()) {
      throw new IllegalArgumentException("units: at least one unit is required");
    }
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: must be >= 1, was " + attempt);
    }
  }
}
