package io.testline.web;

import io.javalin.http.Context;
import io.testline.interop.ExportFormat;
import io.testline.web.live.LineStream;
import io.testline.web.store.LineQueries;
import io.testline.web.store.RunDetails;
import io.testline.web.store.RunPageQueries;
import io.testline.web.store.RunTrailQueries;
import io.testline.web.view.Fmt;
import io.testline.web.view.Renderer;
import io.testline.web.view.RunsFilter;
import io.testline.web.view.RunsPage;
import io.testline.web.view.UnitPage;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The page handlers: read the request, query, render a template. Public only for the constants templates use. */
public final class Pages {
  /** The outcomes the runs page filters by (RUNNING: not finished yet). */
  public static final List<String> OUTCOMES =
      List.of("PASS", "FAIL", "ERROR", "TIMEOUT", "ABORTED", "CRASHED", "RUNNING");
  /** The shopfloor verdicts the runs page filters by (NONE: no verdict yet). */
  public static final List<String> VERDICTS = List.of("ACCEPTED", "REJECTED", "DEAD", "NONE");
  /** The run page's downloads, in the order of its Download line. */
  public static final List<ExportFormat> DOWNLOADS =
      List.of(ExportFormat.JSON, ExportFormat.JUNIT, ExportFormat.CFX, ExportFormat.OPENHTF);
  static final int RUNS_PER_PAGE = RunsFilter.DEFAULT_LIMIT;
  static final int MAX_RUNS_PER_PAGE = 500;
  static final int UNIT_RUNS = 1000;
  static final int LOG_LINES = 5000;

  private final LineQueries line;
  private final RunPageQueries runs;
  private final RunDetails details;
  private final RunTrailQueries trails;
  private final LineStream stream;
  private final Renderer renderer;
  private final Fmt fmt;
  private final URI apiBase;

  Pages(LineQueries line, RunPageQueries runs, RunDetails details, RunTrailQueries trails, LineStream stream, Renderer renderer, Fmt fmt,
      URI apiBase) {
    this.line = line;
    this.runs = runs;
    this.details = details;
    this.trails = trails;
    this.stream = stream;
    this.renderer = renderer;
    this.fmt = fmt;
    this.apiBase = apiBase;
  }

  /** A download's link text: JSON, JUnit, CFX, OpenHTF. */
  public static String downloadLabel(ExportFormat format) {
    return switch (format) {
      case JSON -> "JSON";
      case JUNIT -> "JUnit";
      case CFX -> "CFX";
      case OPENHTF -> "OpenHTF";
    };
  }

  void line(Context ctx) throws SQLException {
    html(ctx, "line.jte", Map.of("tiles", line.tiles(), "shift", stream.shift()));
  }

  void runs(Context ctx) throws SQLException {
    String error = null;
    RunsFilter filter;
    int limit = RUNS_PER_PAGE;
    try {
      Instant from = time(ctx, "from");
      Instant to = time(ctx, "to");
      filter = new RunsFilter(text(ctx, "station"), text(ctx, "serial"), text(ctx, "operation"),
          text(ctx, "program"), oneOf(ctx, "outcome", OUTCOMES), oneOf(ctx, "verdict", VERDICTS), from, to,
          local(from), local(to), limit(ctx)).withCrashSite(text(ctx, "crashSite"));
      limit = filter.limit();
    } catch (IllegalArgumentException e) {
      error = e.getMessage();
      // the form keeps what cannot be wrong, so the user fixes one field rather than typing all again
      filter = new RunsFilter(text(ctx, "station"), text(ctx, "serial"), text(ctx, "operation"),
          text(ctx, "program"), null, null, null, null, null, null, null).withCrashSite(text(ctx, "crashSite"));
    }
    String cursor = text(ctx, "cursor");
    RunsPage page;
    if (error != null) {
      ctx.status(400);
      page = new RunsPage(filter, List.of(), null, true, error);
    } else {
      try {
        RunPageQueries.Page p = runs.list(filter, cursor, limit);
        page = new RunsPage(filter, p.rows(), p.nextCursor(), cursor == null, null);
      } catch (IllegalArgumentException e) {
        ctx.status(400);
        page = new RunsPage(filter, List.of(), null, false, e.getMessage());
      }
    }
    html(ctx, "runs.jte", Map.of("page", page));
  }

  void run(Context ctx) throws SQLException {
    run(ctx, "run.jte");
  }

  /** The run page's body alone: what the page polls while its run is in progress. */
  void runBody(Context ctx) throws SQLException {
    run(ctx, "tags/runbody.jte");
  }

  private void run(Context ctx, String template) throws SQLException {
    UUID runId;
    try {
      runId = UUID.fromString(ctx.pathParam("runId"));
    } catch (IllegalArgumentException e) {
      error(ctx, 404, "\"" + ctx.pathParam("runId") + "\" is not a run id");
      return;
    }
    var run = details.get(runId);
    if (run.isEmpty()) {
      error(ctx, 404, "run " + runId + " is not known");
      return;
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("run", run.get());
    params.put("jsonUrl", apiBase == null ? null : apiBase.resolve("api/runs/" + runId).toString());
    if (template.equals("run.jte")) {
      params.put("trail", trails.trail(runId));
    }
    html(ctx, template, params);
  }

  void unit(Context ctx) throws SQLException {
    String serial = ctx.pathParam("serial");
    html(ctx, "unit.jte", Map.of("unit", new UnitPage(serial, runs.unit(serial, UNIT_RUNS))));
  }

  /** {@code /units?serial=}: the navigation bar's search box, and serials that are no plain path segment. */
  void unitByQuery(Context ctx) throws SQLException {
    String serial = text(ctx, "serial");
    if (serial == null) {
      ctx.redirect("/runs");
      return;
    }
    html(ctx, "unit.jte", Map.of("unit", new UnitPage(serial, runs.unit(serial, UNIT_RUNS))));
  }

  void error(Context ctx, int status, String message) {
    ctx.status(status);
    html(ctx, "error.jte", Map.of("status", status, "message", message));
  }

  void html(Context ctx, String template, Map<String, Object> params) {
    Map<String, Object> all = new LinkedHashMap<>(params);
    all.put("f", fmt);
    ctx.contentType("text/html; charset=utf-8").result(renderer.render(template, all));
  }

  static String text(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static String oneOf(Context ctx, String name, List<String> allowed) {
    String v = text(ctx, name);
    if (v == null) {
      return null;
    }
    String upper = v.toUpperCase(java.util.Locale.ROOT);
    if (!Set.copyOf(allowed).contains(upper)) {
      throw new IllegalArgumentException(name + ": \"" + v + "\" is not one of " + String.join(", ", allowed));
    }
    return upper;
  }

  private static Integer limit(Context ctx) {
    String v = text(ctx, "limit");
    if (v == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_RUNS_PER_PAGE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("limit: \"" + v + "\" is not a number of runs from 1 to " + MAX_RUNS_PER_PAGE);
  }

  /** The instant as a datetime-local input shows it, in the line's zone. */
  String local(Instant t) {
    return t == null ? null : LocalDateTime.ofInstant(t, fmt.zone()).toString();
  }

  /** The time window a page shows. */
  record TimeWindow(Instant from, Instant to) {}

  /**
   * The page's {@code from} and {@code to} (see {@link #time}): {@code to} defaults to now, {@code from} to
   * {@code length} before {@code to}; a window that does not end after it starts is refused naming {@code to}.
   */
  TimeWindow window(Context ctx, Clock clock, Duration length) {
    Instant to = time(ctx, "to");
    Instant from = time(ctx, "from");
    if (to == null) {
      to = clock.instant();
    }
    if (from == null) {
      from = to.minus(length);
    }
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("to: \"" + local(to) + "\" is not after from \"" + local(from) + "\"");
    }
    return new TimeWindow(from, to);
  }

  /** An RFC 3339 instant, or a local date-time or date in the line's zone (what a datetime-local input sends). */
  Instant time(Context ctx, String name) {
    String v = text(ctx, name);
    if (v == null) {
      return null;
    }
    ZoneId zone = fmt.zone();
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDateTime.parse(v.replace(' ', 'T')).atZone(zone).toInstant();
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(v).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException notDate) {
          throw new IllegalArgumentException(name + ": \"" + v + "\" is not a time, e.g. 2026-12-07T06:00 or "
              + "2026-12-07T06:00:00Z");
        }
      }
    }
  }
}
