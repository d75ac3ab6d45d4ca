package io.testline.web;

import io.javalin.http.Context;
import io.testline.interop.store.CrashSites;
import io.testline.web.view.CrashesPage;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /crashes?from=&to=&station=&program=}: the Pareto of crash sites, counted by the query API's own query
 * ({@link CrashSites}); without a window, the last {@link #DEFAULT_WINDOW} up to now.
 */
final class CrashPages {
  static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
  /** Sites listed at most (the query API's own maximum). */
  static final int LIMIT = 100;

  private final Pages pages;
  private final CrashSites sites;
  private final Clock clock;

  CrashPages(Pages pages, CrashSites sites, Clock clock) {
    this.pages = pages;
    this.sites = sites;
    this.clock = clock;
  }

  void page(Context ctx) throws SQLException {
    String station = Pages.text(ctx, "station");
    String program = Pages.text(ctx, "program");
    CrashesPage page;
    try {
      Pages.TimeWindow window = pages.window(ctx, clock, DEFAULT_WINDOW);
      Instant from = window.from();
      Instant to = window.to();
      page = CrashesPage.of(station, program, from, to, pages.local(from), pages.local(to),
          sites.bySite(from, to, station, program, LIMIT), LIMIT);
    } catch (IllegalArgumentException e) {
      ctx.status(400);
      page = CrashesPage.failed(station, program, Pages.text(ctx, "from"), Pages.text(ctx, "to"), e.getMessage());
    }
    pages.html(ctx, "crashes.jte", Map.of("page", page));
  }
}
