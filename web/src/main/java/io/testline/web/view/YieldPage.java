package io.testline.web.view;

import java.time.LocalDateTime;
import java.util.List;

/**
 * The yield page: one row per group, the total, and the Pareto of first failing steps.
 *
 * @param failedRuns all failed runs in the window (the Pareto's 100 %)
 * @param error why the request could not be answered, or null
 */
public record YieldPage(YieldFilter filter, List<YieldRow> rows, YieldRow total, List<ParetoRow> pareto,
    long failedRuns, String error) {
  public YieldPage {
    rows = List.copyOf(rows);
    pareto = List.copyOf(pareto);
  }

  /** What a group is called: a station, an operation, a day (2026-01-05) or a shift (2026-01-05 06:00). */
  public String label(YieldRow row) {
    return switch (filter.by()) {
      case "day" -> row.key().substring(0, 10);
      case "shift" -> row.key().replace('T', ' ');
      case "operation" -> row.key().isEmpty() ? "(none)" : row.key();
      default -> row.key();
    };
  }

  /** The group looked at more closely: a station or operation by day, a day by shift; a shift's runs. */
  public String drillUrl(YieldRow row) {
    YieldFilter f = filter;
    return switch (f.by()) {
      case "station" -> f.url(row.key(), f.operation(), "day");
      case "operation" -> f.url(f.station(), row.key().isEmpty() ? null : row.key(), "day");
      case "day" -> YieldFilter.url(row.key(), LocalDateTime.parse(row.key()).plusDays(1).toString(), f.station(),
          f.operation(), "shift");
      default -> null;
    };
  }

  /** The measurements of a Pareto bar's step, in the same window and at the same station; null without a step. */
  public String measurementsUrl(ParetoRow p) {
    if (p.step() == null) {
      return null;
    }
    return new MeasurementFilter(p.operation().isEmpty() ? null : p.operation(), p.step(), null, filter.from(),
        filter.to(), filter.station(), filter.fromText(), filter.toText()).url(p.step(), null);
  }
}
