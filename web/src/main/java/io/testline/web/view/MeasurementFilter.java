package io.testline.web.view;

import java.time.Instant;

/**
 * One measurement for the measurement page: values named {@code name} of step {@code step} (its path, or its name
 * when it has none) in runs of {@code operation} started in [from, to), optionally at one station. A null operation
 * matches every operation; with {@code step} or {@code name} null the page lists what there is to choose.
 *
 * @param fromText {@code from} as the form's datetime-local input shows it, in the line's zone
 */
public record MeasurementFilter(String operation, String step, String name, Instant from, Instant to,
    String station, String fromText, String toText) {

  public MeasurementFilter {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from: " + fromText + " is not before to: " + toText);
    }
  }

  /** Whether one measurement is named, so there is a chart to draw. */
  public boolean complete() {
    return step != null && name != null;
  }

  /** The page for another step and measurement in the same window, operation and station. */
  public String url(String step, String name) {
    return url(step, name, station);
  }

  /** The page for another step, measurement and station (null leaves a parameter out). */
  public String url(String step, String name, String station) {
    StringBuilder u = new StringBuilder("/measurements?");
    if (operation != null) {
      u.append("operation=").append(Fmt.query(operation)).append('&');
    }
    if (step != null) {
      u.append("step=").append(Fmt.query(step)).append('&');
    }
    if (name != null) {
      u.append("name=").append(Fmt.query(name)).append('&');
    }
    if (station != null) {
      u.append("station=").append(Fmt.query(station)).append('&');
    }
    return u.append("from=").append(Fmt.query(fromText)).append("&to=").append(Fmt.query(toText)).toString();
  }

  /** The JSON series the chart draws, for the same selection. */
  public String seriesUrl() {
    return url(step, name).replaceFirst("^/measurements\\?", "/measurements/series?");
  }
}
