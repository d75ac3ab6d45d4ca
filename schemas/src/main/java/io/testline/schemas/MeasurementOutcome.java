package io.testline.schemas;

/** A measurement's result; {@link #UNSET} when it was recorded without being judged. */
public enum MeasurementOutcome {
  PASS,
  FAIL,
  UNSET
}
