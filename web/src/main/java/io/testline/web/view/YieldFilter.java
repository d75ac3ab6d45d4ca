package io.testline.web.view;

import java.time.Instant;
import java.util.List;

/**
 * What the yield page shows: runs started in [from, to), optionally of one station and one operation, grouped
 * {@link #by} day, shift, station or operation.
 *
 * @param fromText {@code from} as the form's datetime-local input shows it, in the line's zone
 */
public record YieldFilter(Instant from, Instant to, String station, String operation, String by, String fromText,
    String toText) {
  public static final List<String> GROUPINGS = List.of("day", "shift", "station", "operation");

  public YieldFilter {
    if (!GROUPINGS.contains(by)) {
      throw new IllegalArgumentException("by: \"" + by + "\" is not one of " + String.join(", ", GROUPINGS));
    }
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from: " + fromText + " is not before to: " + toText);
    }
  }

  /** Whether the groups are points in time (a trend) rather than categories. */
  public boolean overTime() {
    return by.equals("day") || by.equals("shift");
  }

  /** This page's URL with {@code by} replaced. */
  public String url(String by) {
    return url(station, operation, by);
  }

  /** This window's URL for another station, operation and grouping (null leaves it out). */
  public String url(String station, String operation, String by) {
    return url(fromText, toText, station, operation, by);
  }

  /** The yield page's URL for these parameters (null leaves one out). */
  public static String url(String fromText, String toText, String station, String operation, String by) {
    StringBuilder u = new StringBuilder("/yield?from=").append(Fmt.query(fromText)).append("&to=")
        .append(Fmt.query(toText));
    if (station != null) {
      u.append("&station=").append(Fmt.query(station));
    }
    if (operation != null) {
      u.append("&operation=").append(Fmt.query(operation));
    }
    return u.append("&by=").append(by).toString();
  }

  /** The runs page for this window, station and operation. */
  public String runsUrl() {
    StringBuilder u = new StringBuilder("/runs?from=").append(Fmt.query(fromText)).append("&to=")
        .append(Fmt.query(toText));
    if (station != null) {
      u.append("&station=").append(Fmt.query(station));
    }
    if (operation != null) {
      u.append("&operation=").append(Fmt.query(operation));
    }
    return u.toString();
  }
}
