package io.testline.web.view;

import java.util.List;

/**
 * The measurement page: the statistics of all values and of each station's, or, while no measurement is named, the
 * measurements there are to choose from.
 *
 * @param all every station's values together (null when no measurement is named)
 * @param unit the unit of the latest value
 * @param limitSets how many different (LSL, USL) pairs the values had; Cp and Cpk use the latest one
 * @param choices the (step, measurement) pairs in the window, most values first, when none is named
 */
public record MeasurementPage(MeasurementFilter filter, MeasurementStats all, List<MeasurementStats> stations,
    String unit, long limitSets, List<Choice> choices, String error) {

  public MeasurementPage {
    stations = List.copyOf(stations);
    choices = List.copyOf(choices);
  }

  /** A measurement that has values in the window. */
  public record Choice(String step, String name, String unit, long values) {}
}
