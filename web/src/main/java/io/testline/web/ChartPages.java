package io.testline.web;

import io.javalin.http.Context;
import io.testline.web.store.MeasurementQueries;
import io.testline.web.store.YieldPageQueries;
import io.testline.web.view.MeasurementFilter;
import io.testline.web.view.MeasurementPage;
import io.testline.web.view.YieldFilter;
import io.testline.web.view.YieldPage;
import io.testline.web.view.YieldRow;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The yield and measurement pages: read the filter, query, render; and the measurement chart's JSON series. */
final class ChartPages {
  static final int YIELD_DAYS = 7;
  static final int MEASUREMENT_DAYS = 30;

  private final Pages pages;
  private final YieldPageQueries yields;
  private final MeasurementQueries measurements;
  private final ZoneId zone;
  private final Clock clock;

  ChartPages(Pages pages, YieldPageQueries yields, MeasurementQueries measurements, ZoneId zone, Clock clock) {
    this.pages = pages;
    this.yields = yields;
    this.measurements = measurements;
    this.zone = zone;
    this.clock = clock;
  }

  void yield(Context ctx) throws SQLException {
    YieldFilter filter;
    try {
      Instant[] window = window(ctx, YIELD_DAYS);
      String by = Pages.text(ctx, "by");
      filter = new YieldFilter(window[0], window[1], Pages.text(ctx, "station"), Pages.text(ctx, "operation"),
          by == null ? "day" : by.toLowerCase(Locale.ROOT), pages.local(window[0]), pages.local(window[1]));
    } catch (IllegalArgumentException e) {
      ctx.status(400);
      Instant[] window = defaultWindow(YIELD_DAYS);
      YieldFilter none = new YieldFilter(window[0], window[1], null, null, "day", pages.local(window[0]),
          pages.local(window[1]));
      pages.html(ctx, "yield.jte", Map.of("page", new YieldPage(none, List.of(), null, List.of(), 0,
          e.getMessage())));
      return;
    }
    List<YieldRow> rows = yields.yields(filter);
    YieldPageQueries.Pareto pareto = yields.pareto(filter, YieldPageQueries.PARETO_BARS);
    pages.html(ctx, "yield.jte", Map.of("page", new YieldPage(filter, rows.subList(0, rows.size() - 1),
        rows.get(rows.size() - 1), pareto.rows(), pareto.failedRuns(), null)));
  }

  void measurements(Context ctx) throws SQLException {
    MeasurementFilter filter;
    try {
      filter = measurementFilter(ctx);
    } catch (IllegalArgumentException e) {
      ctx.status(400);
      Instant[] window = defaultWindow(MEASUREMENT_DAYS);
      MeasurementFilter none = new MeasurementFilter(null, null, null, window[0], window[1], null,
          pages.local(window[0]), pages.local(window[1]));
      pages.html(ctx, "measurements.jte", Map.of("page", new MeasurementPage(none, null, List.of(), null, 0,
          List.of(), e.getMessage())));
      return;
    }
    MeasurementPage page = filter.complete() ? measurements.page(filter)
        : new MeasurementPage(filter, null, List.of(), null, 0, measurements.choices(filter), null);
    pages.html(ctx, "measurements.jte", Map.of("page", page));
  }

  /** The chart's data as JSON; 400 with the reason as text when the selection names no one measurement. */
  void measurementSeries(Context ctx) throws SQLException, IOException {
    MeasurementFilter filter;
    try {
      filter = measurementFilter(ctx);
      if (!filter.complete()) {
        throw new IllegalArgumentException("step and name: both are needed for a series");
      }
    } catch (IllegalArgumentException e) {
      ctx.status(400).contentType("text/plain; charset=utf-8").result(e.getMessage());
      return;
    }
    ctx.contentType("application/json");
    measurements.writeSeries(filter, ctx.outputStream());
  }

  private MeasurementFilter measurementFilter(Context ctx) {
    Instant[] window = window(ctx, MEASUREMENT_DAYS);
    return new MeasurementFilter(Pages.text(ctx, "operation"), Pages.text(ctx, "step"), Pages.text(ctx, "name"),
        window[0], window[1], Pages.text(ctx, "station"), pages.local(window[0]), pages.local(window[1]));
  }

  /** [from, to) from the request; by default the last {@code days} days, today included, in the line's zone. */
  private Instant[] window(Context ctx, int days) {
    Instant[] window = defaultWindow(days);
    Instant from = pages.time(ctx, "from");
    Instant to = pages.time(ctx, "to");
    return new Instant[] {from != null ? from : window[0], to != null ? to : window[1]};
  }

  private Instant[] defaultWindow(int days) {
    LocalDate today = LocalDate.now(clock.withZone(zone));
    return new Instant[] {today.minusDays(days - 1L).atStartOfDay(zone).toInstant(),
        today.plusDays(1).atStartOfDay(zone).toInstant()};
  }
}
