package io.testline.web.view;

/**
 * One bar of the Pareto: the failed runs whose first failing step was {@code step} at {@code operation}.
 *
 * @param operation the runs' operation, "" for runs without one
 * @param step the step's path (or name); null for failed runs with no failing step (crashed, timed out, ...)
 * @param outcome for {@code step == null}: the runs' outcome
 * @param failures how many failed runs
 * @param percent failures as a share of all failed runs, in %
 * @param cumulative this bar's and every bigger bar's share, in %
 */
public record ParetoRow(String operation, String step, String outcome, long failures, double percent,
    double cumulative) {

  /** What the bar is called. */
  public String label() {
    return step != null ? step : "no failing step (" + outcome + ")";
  }
}
