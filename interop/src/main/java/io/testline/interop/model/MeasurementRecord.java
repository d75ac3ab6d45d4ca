package io.testline.interop.model;

import java.util.Objects;

/**
 * One measured value with its limits.
 *
 * @param value      a numeric value, or null for a text measurement
 * @param text       the value of a text measurement
 * @param comparator how the value meets its limits (EQ, NE, GT, GE, LT, LE, GTLT, GELE, GELT, GTLE, LOG); null when
 *                   not given
 * @param outcome    PASS, FAIL or UNSET
 */
public record MeasurementRecord(
    int ordinal,
    String name,
    Double value,
    String text,
    String unit,
    Double lowLimit,
    Double highLimit,
    String comparator,
    Double nominal,
    String outcome,
    Boolean marginal) {

  public MeasurementRecord {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** The value as text: the number, the text, or empty when neither was recorded. */
  public String valueText() {
    if (value != null) {
      return Numbers.plain(value);
    }
    return text == null ? "" : text;
  }

  /**
   * The limits as one readable condition in OpenHTF's validator wording ({@code 3.2 <= x <= 3.4}, {@code 3.2 <= x},
   * {@code x <= 3.4}, {@code x == 5.0}; one strict bound as {@code x > 3.2}, {@code x < 3.4}); empty when there are
   * none.
   */
  public String limitsText() {
    String low = lowLimit == null ? null : Numbers.plain(lowLimit);
    String high = highLimit == null ? null : Numbers.plain(highLimit);
    String c = comparator == null ? (low != null && high != null ? "GELE" : low != null ? "GE" : "LE") : comparator;
    return switch (c) {
      case "EQ" -> "x == " + (low != null ? low : high != null ? high : nominalText());
      case "NE" -> "x != " + (low != null ? low : high != null ? high : nominalText());
      case "GT" -> low == null ? "" : "x > " + low;
      case "GE" -> low == null ? "" : low + " <= x";
      case "LT" -> high == null ? "" : "x < " + high;
      case "LE" -> high == null ? "" : "x <= " + high;
      case "GTLT" -> range(low, " < ", " < ", high);
      case "GELE" -> range(low, " <= ", " <= ", high);
      case "GELT" -> range(low, " <= ", " < ", high);
      case "GTLE" -> range(low, " < ", " <= ", high);
      default -> "";
    };
  }

  private String nominalText() {
    return nominal == null ? "?" : Numbers.plain(nominal);
  }

  private static String range(String low, String lowOp, String highOp, String high) {
    return (low == null ? "" : low + lowOp) + "x" + (high == null ? "" : highOp + high);
  }
}
