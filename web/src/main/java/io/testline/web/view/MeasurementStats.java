package io.testline.web.view;

/**
 * Statistics of a measurement's values (web/README.md gives the formulas): σ is the sample standard deviation,
 * Cp = (USL − LSL) / 6σ, Cpk = min(USL − μ, μ − LSL) / 3σ; with one limit only Cp is undefined and Cpk is the one
 * side's (USL − μ) / 3σ or (μ − LSL) / 3σ. Undefined values (no limit, fewer than two values, σ = 0) are null.
 *
 * @param station the station, or null for all stations together
 * @param lsl the lower specification limit (null: none)
 * @param usl the upper specification limit (null: none)
 */
public record MeasurementStats(String station, long n, Double mean, Double sigma, Double min, Double max,
    Double lsl, Double usl) {

  public Double cp() {
    if (lsl == null || usl == null || !spread()) {
      return null;
    }
    return (usl - lsl) / (6 * sigma);
  }

  public Double cpk() {
    Double upper = cpu();
    Double lower = cpl();
    if (upper == null) {
      return lower;
    }
    return lower == null ? upper : Math.min(upper, lower);
  }

  /** (USL − μ) / 3σ */
  public Double cpu() {
    return usl == null || !spread() ? null : (usl - mean) / (3 * sigma);
  }

  /** (μ − LSL) / 3σ */
  public Double cpl() {
    return lsl == null || !spread() ? null : (mean - lsl) / (3 * sigma);
  }

  /** μ + 3σ, the upper control line. */
  public Double ucl() {
    return sigma == null ? null : mean + 3 * sigma;
  }

  /** μ − 3σ, the lower control line. */
  public Double lcl() {
    return sigma == null ? null : mean - 3 * sigma;
  }

  private boolean spread() {
    return n >= 2 && sigma != null && sigma > 0 && mean != null;
  }
}
