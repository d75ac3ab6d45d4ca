package io.testline.agent.openhtf;

import io.testline.schemas.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Limits from an OpenHTF validator as its record writes it ({@code str(validator)} in {@code openhtf/util/validators.py}):
 * {@code in_range} ("3.2 <= x <= 3.4", "1 <= x", "x <= 5", with "Marginal:" bounds), {@code equals} of a number
 * ("x == 5", "'x' is equal to '5'"), {@code within_percent} ("'x' is within 5% of 3.3."), and plain comparisons
 * ("x >= 1", "x < 2"). Anything else (a regex, a string equality, a dimension pivot, a validator of the program's
 * own) has no numeric limits to give and is kept as text by the caller.
 */
final class ValidatorText {
  private static final String NUM = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?inf)";
  private static final Pattern RANGE = Pattern.compile("^(?:" + NUM + " <= )?(?:Marginal:" + NUM + " <= )?x"
      + "(?: <= Marginal:" + NUM + ")?(?: <= " + NUM + ")?$");
  private static final Pattern EQUALS = Pattern.compile("^x == " + NUM + "$");
  private static final Pattern EQUALS_TEXT = Pattern.compile("^'x' is equal to '" + NUM + "'$");
  private static final Pattern PERCENT = Pattern.compile("^'x' is within " + NUM + "% of " + NUM + "\\."
      + "(?: Marginal: " + NUM + "% of " + NUM + ")?$");
  private static final Pattern COMPARISON = Pattern.compile("^x (>=|<=|>|<|!=) " + NUM + "$");

  /** Limits read from one validator; marginal bounds lie inside the limits (null when the validator has none). */
  record Limits(Double low, Double high, Comparator comparator, Double nominal, Double marginalLow,
      Double marginalHigh) {

    /** Whether {@code value}, within the limits, lies in a marginal band; null when there is no band. */
    Boolean marginal(Double value) {
      if (marginalLow == null && marginalHigh == null) {
        return null;
      }
      if (value == null) {
        return false;
      }
      return (marginalLow != null && value <= marginalLow && (low == null || value >= low))
          || (marginalHigh != null && value >= marginalHigh && (high == null || value <= high));
    }
  }

  private ValidatorText() {}

  static Optional<Limits> parse(String text) {
    String t = text.trim();
    Matcher m = RANGE.matcher(t);
    if (m.matches() && (m.group(1) != null || m.group(4) != null)) {
      Double low = number(m.group(1));
      Double high = number(m.group(4));
      Comparator comparator = low != null && high != null ? Comparator.GELE : low != null ? Comparator.GE
          : high != null ? Comparator.LE : null;
      return comparator == null ? Optional.empty()
          : Optional.of(new Limits(low, high, comparator, null, number(m.group(2)), number(m.group(3))));
    }
    m = EQUALS.matcher(t);
    if (!m.matches()) {
      m = EQUALS_TEXT.matcher(t);
    }
    if (m.matches() && number(m.group(1)) != null) {
      double v = number(m.group(1));
      return Optional.of(new Limits(v, v, Comparator.EQ, v, null, null));
    }
    m = PERCENT.matcher(t);
    if (m.matches() && number(m.group(1)) != null && number(m.group(2)) != null) {
      double expected = number(m.group(2));
      double band = Math.abs(expected * number(m.group(1)) / 100.0);
      Double marginalBand = m.group(3) == null || number(m.group(3)) == null ? null
          : Math.abs(expected * number(m.group(3)) / 100.0);
      return Optional.of(new Limits(expected - band, expected + band, Comparator.GELE, expected,
          marginalBand == null ? null : expected - marginalBand, marginalBand == null ? null : expected + marginalBand));
    }
    m = COMPARISON.matcher(t);
    if (m.matches() && number(m.group(2)) != null) {
      double v = number(m.group(2));
      return Optional.of(switch (m.group(1)) {
        case ">=" -> new Limits(v, null, Comparator.GE, null, null, null);
        case ">" -> new Limits(v, null, Comparator.GT, null, null, null);
        case "<=" -> new Limits(null, v, Comparator.LE, null, null, null);
        case "<" -> new Limits(null, v, Comparator.LT, null, null, null);
        default -> new Limits(v, v, Comparator.NE, v, null, null);
      });
    }
    return Optional.empty();
  }

  /** A finite number, or null: an infinite bound is no bound, and JSON cannot carry it. */
  private static Double number(String text) {
    if (text == null || text.endsWith("inf")) {
      return null;
    }
    double v = Double.parseDouble(text);
    return Double.isFinite(v) ? v : null;
  }
}
