package io.testline.web.view;

/** One measurement of a step, with its limits. */
public record MeasurementView(String name, Double value, String textValue, String unit, Double lowLimit,
    Double highLimit, String comparator, Double nominal, String outcome, Boolean marginal) {

  public boolean failed() {
    return "FAIL".equals(outcome);
  }
}
