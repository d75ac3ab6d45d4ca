package io.testline.web.view;

import io.testline.interop.store.CrashSiteCount;
import java.util.Locale;

/**
 * One bar of the crash Pareto: a crash site, its runs' share of all listed crashed and hung runs, and the cumulative
 * share of this bar and every bigger one (in %).
 *
 * @param runsUrl the runs page filtered to this site (and the page's window, station and program)
 */
public record CrashBar(CrashSiteCount site, double percent, double cumulative, String runsUrl) {

  /** The share as an SVG length out of 100, in a format that does not depend on the locale. */
  public String barWidth() {
    return String.format(Locale.ROOT, "%.2f", percent);
  }

  /** The cumulative share as an SVG length out of 100. */
  public String cumulativeX() {
    return String.format(Locale.ROOT, "%.2f", cumulative);
  }

  /** Where the cumulative share's marker (0.8 wide) starts, kept inside the bar's 100. */
  public String markerX() {
    return String.format(Locale.ROOT, "%.2f", Math.min(cumulative, 99.2));
  }
}
