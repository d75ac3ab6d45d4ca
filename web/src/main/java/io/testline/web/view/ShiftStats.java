package io.testline.web.view;

import java.time.Instant;

/**
 * The line header: runs started in the current shift, units with a finished first attempt and how many of them
 * passed it (first-pass yield), and shopfloor rejections.
 */
public record ShiftStats(Instant shiftStart, long runs, long units, long passedFirstTime, long rejected) {
  /** First-pass yield in percent, null when no unit finished a first attempt yet. */
  public Double firstPassYieldPercent() {
    return units == 0 ? null : 100.0 * passedFirstTime / units;
  }
}
