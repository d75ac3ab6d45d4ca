package io.testline.agent.results;

import io.testline.schemas.Comparator;
import io.testline.schemas.MeasurementOutcome;

/** Decides a measurement's outcome from its value, limits and comparator, when the program left it to the agent. */
public final class MeasurementJudge {
  private MeasurementJudge() {}

  /** The comparator implied by which limits are present: both GELE, low only GE, high only LE, none LOG. */
  public static Comparator implied(Double low, Double high) {
    if (low != null && high != null) {
      return Comparator.GELE;
    }
    if (low != null) {
      return Comparator.GE;
    }
    return high != null ? Comparator.LE : Comparator.LOG;
  }

  public static MeasurementOutcome judge(Double value, Double low, Double high, Double nominal, Comparator comparator) {
    if (value == null || comparator == Comparator.LOG) {
      return MeasurementOutcome.UNSET;
    }
    double v = value;
    Boolean pass = switch (comparator) {
      case EQ -> nominalOrLow(nominal, low) == null ? null : v == nominalOrLow(nominal, low);
      case NE -> nominalOrLow(nominal, low) == null ? null : v != nominalOrLow(nominal, low);
      case GT -> low == null ? null : v > low;
      case GE -> low == null ? null : v >= low;
      case LT -> high == null ? null : v < high;
      case LE -> high == null ? null : v <= high;
      case GTLT -> low == null || high == null ? null : v > low && v < high;
      case GELE -> low == null || high == null ? null : v >= low && v <= high;
      case GELT -> low == null || high == null ? null : v >= low && v < high;
      case GTLE -> low == null || high == null ? null : v > low && v <= high;
      case LOG -> null;
    };
    if (pass == null) {
      return MeasurementOutcome.UNSET;
    }
    return pass ? MeasurementOutcome.PASS : MeasurementOutcome.FAIL;
  }

  private static Double nominalOrLow(Double nominal, Double low) {
    return nominal != null ? nominal : low;
  }
}
