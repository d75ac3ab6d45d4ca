package io.testline.web.view;

import java.time.Instant;

/**
 * The yield of one group (a day, a shift, a station or an operation; or all of them: the total).
 *
 * @param key the group's value: a station id, an operation ("" for runs without one), or the day's or shift's
 *            start as local date-time text; null for the total
 * @param at the day's or shift's start; null for other groupings
 * @param units units (serial numbers) whose first finished run of the operation started in the group
 * @param firstPass of those, units whose first run passed
 * @param finalPass of those, units whose last finished run of the operation passed
 * @param retested of those, units with more than one finished run of the operation
 * @param runs the finished runs of those units at the operation, retests included
 */
public record YieldRow(String key, Instant at, long units, long firstPass, long finalPass, long retested, long runs) {

  public Double firstPassYield() {
    return share(firstPass);
  }

  public Double finalYield() {
    return share(finalPass);
  }

  public Double retestRate() {
    return share(retested);
  }

  private Double share(long n) {
    return units == 0 ? null : 100.0 * n / units;
  }
}
