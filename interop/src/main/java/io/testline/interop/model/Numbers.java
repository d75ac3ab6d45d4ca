package io.testline.interop.model;

import java.math.BigDecimal;

/** Numbers as people and Python write them: {@code 3.3}, {@code 5.0}, {@code 1e-09}, {@code nan}. */
public final class Numbers {
  private Numbers() {}

  /**
   * Python's {@code repr} of a float for the magnitudes of measurements (plain decimals from 1e-4 up to 1e16,
   * exponent form beyond), so a limit written into an OpenHTF validator string reads as OpenHTF writes it.
   */
  public static String plain(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return (1 / v) < 0 ? "-0.0" : "0.0";
    }
    double abs = Math.abs(v);
    if (abs >= 1e-4 && abs < 1e16) {
      String s = new BigDecimal(Double.toString(v)).toPlainString();
      return s.contains(".") ? s : s + ".0";
    }
    String s = Double.toString(v); // e.g. 1.0E-9
    int e = s.indexOf('E');
    String mantissa = s.substring(0, e);
    if (mantissa.endsWith(".0")) {
      mantissa = mantissa.substring(0, mantissa.length() - 2);
    }
    int exp = Integer.parseInt(s.substring(e + 1));
    return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }
}
