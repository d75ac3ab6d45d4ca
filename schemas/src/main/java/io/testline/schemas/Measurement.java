package io.testline.schemas;

import java.util.Objects;

/**
 * One measured value with its limits (OpenHTF measurement, TestStand numeric or string limit test).
 *
 * @param value    a numeric value
 * @param text     the value of a string measurement
 * @param marginal within limits but inside the marginal band
 */
public record Measurement(
    String name,
    Double value,
    String text,
    String unit,
    Double lowLimit,
    Double highLimit,
    Comparator comparator,
    Double nominal,
    MeasurementOutcome outcome,
    Boolean marginal) {

  public Measurement {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
  }
}
