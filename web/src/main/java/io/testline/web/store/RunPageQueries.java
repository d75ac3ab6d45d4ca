package io.testline.web.store;

import io.testline.web.view.CrashView;
import io.testline.web.view.LogLineView;
import io.testline.web.view.MeasurementView;
import io.testline.web.view.RunDetail;
import io.testline.web.view.RunRow;
import io.testline.web.view.RunsFilter;
import io.testline.web.view.StepView;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Runs for the pages: a filtered list newest first with keyset paging (never OFFSET), one run with its steps,
 * measurements, verdict and log lines, and all runs of a serial. Written against result-consumer's tables; the
 * cursor has the query API's format, so a cursor from one works in the other.
 */
public final class RunPageQueries {
  private static final String ROW_COLUMNS = """
      r.run_id, r.serial_number, r.station_id, r.operation, r.program_name, r.program_version, r.attempt,
      r.started_at, r.duration_ms, r.finished, r.outcome, r.failing_step, v.verdict, v.code as verdict_code""";

  /** A page of rows and the cursor of the next page (null on the last). */
  public record Page(List<RunRow> rows, String nextCursor) {}

  private final DataSource dataSource;

  public RunPageQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** @param cursor null for the first page, else a {@link Page#nextCursor()} */
  public Page list(RunsFilter f, String cursor, int limit) throws SQLException {
    StringBuilder sql = new StringBuilder("select " + ROW_COLUMNS
        + " from runs r left join verdicts v on v.run_id = r.run_id where true");
    List<Object> args = new ArrayList<>();
    condition(sql, args, f.station(), " and r.station_id = ?");
    condition(sql, args, f.serial(), " and r.serial_number = ?");
    condition(sql, args, f.operation(), " and r.operation = ?");
    condition(sql, args, f.program(), " and r.program_name = ?");
    condition(sql, args, f.crashSite(), " and r.crash_site = ?");
    if ("RUNNING".equals(f.outcome())) {
      sql.append(" and not r.finished");
    } else {
      condition(sql, args, f.outcome(), " and r.outcome = ?");
    }
    if ("NONE".equals(f.verdict())) {
      sql.append(" and v.run_id is null");
    } else {
      condition(sql, args, f.verdict(), " and v.verdict = ?");
    }
    condition(sql, args, Sql.time(f.from()), " and r.started_at >= ?");
    condition(sql, args, Sql.time(f.to()), " and r.started_at < ?");
    if (cursor != null) {
      Cursor c = Cursor.parse(cursor);
      sql.append(" and (r.started_at, r.run_id) < (?, ?)");
      args.add(Sql.time(c.startedAt()));
      args.add(c.runId());
    }
    sql.append(" order by r.started_at desc, r.run_id desc limit ?");
    args.add(limit + 1);
    List<RunRow> rows;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      Sql.bind(ps, args);
      rows = rows(ps);
    }
    String next = null;
    if (rows.size() > limit) {
      rows = rows.subList(0, limit);
      RunRow last = rows.get(limit - 1);
      next = new Cursor(last.startedAt(), last.runId()).encode();
    }
    return new Page(List.copyOf(rows), next);
  }

  /** Every run of {@code serial}, oldest first (at most {@code limit}). */
  public List<RunRow> unit(String serial, int limit) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select "
        + ROW_COLUMNS + " from runs r left join verdicts v on v.run_id = r.run_id where r.serial_number = ?"
        + " order by r.started_at, r.run_id limit ?")) {
      ps.setString(1, serial);
      ps.setInt(2, limit);
      return rows(ps);
    }
  }

  /** One run with everything the run page shows, its first {@code logLimit} log lines; empty when unknown. */
  public Optional<RunDetail> get(UUID runId, int logLimit) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      // one snapshot, so a run.finished stored meanwhile is seen whole or not at all
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        return Optional.ofNullable(read(c, runId, logLimit));
      } finally {
        c.rollback();
      }
    }
  }

  private RunDetail read(Connection c, UUID runId, int logLimit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        select r.*, v.verdict, v.code as verdict_code, v.message as verdict_message, v.attempts as verdict_attempts,
               (select coalesce(sum(line_count), 0) from log_chunks l where l.run_id = r.run_id) as log_total
        from runs r left join verdicts v on v.run_id = r.run_id where r.run_id = ?""")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String failingStep = rs.getString("failing_step");
        return new RunDetail(runId, rs.getString("serial_number"), rs.getString("station_id"),
            rs.getString("operation"), rs.getString("part_number"), rs.getString("part_revision"),
            rs.getString("program_name"), rs.getString("program_version"), rs.getString("operator"),
            rs.getString("work_order"), rs.getInt("attempt"), rs.getString("test_method"),
            Sql.instant(rs, "started_at"), Sql.instant(rs, "ended_at"), Sql.longOrNull(rs, "duration_ms"),
            rs.getBoolean("finished"), rs.getString("outcome"), Sql.intOrNull(rs, "exit_code"),
            rs.getString("signal"), Sql.boolOrNull(rs, "core_dumped"), rs.getString("error_code"),
            rs.getString("error_message"), failingStep, rs.getString("verdict"), rs.getString("verdict_code"),
            rs.getString("verdict_message"), Sql.intOrNull(rs, "verdict_attempts"),
            steps(c, runId, failingStep), log(c, runId, logLimit), rs.getLong("log_total"), crash(rs));
      }
    }
  }

  private static CrashView crash(ResultSet rs) throws SQLException {
    String kind = rs.getString("crash_kind");
    return kind == null ? null : new CrashView(kind, rs.getString("crash_site"), rs.getString("crash_reason"),
        rs.getString("crash_traceback"), rs.getString("crash_core_file"));
  }

  private static List<StepView> steps(Connection c, UUID runId, String failingStep) throws SQLException {
    Map<Integer, List<MeasurementView>> byStep = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select step_index, name, value, text_value, unit, low_limit, high_limit, comparator, nominal, outcome, marginal
        from measurements where run_id = ? order by step_index, ordinal""")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byStep.computeIfAbsent(rs.getInt("step_index"), k -> new ArrayList<>()).add(new MeasurementView(
              rs.getString("name"), Sql.doubleOrNull(rs, "value"), rs.getString("text_value"), rs.getString("unit"),
              Sql.doubleOrNull(rs, "low_limit"), Sql.doubleOrNull(rs, "high_limit"), rs.getString("comparator"),
              Sql.doubleOrNull(rs, "nominal"), rs.getString("outcome"), Sql.boolOrNull(rs, "marginal")));
        }
      }
    }
    List<StepView> steps = new ArrayList<>();
    boolean failingFound = false;
    try (PreparedStatement ps = c.prepareStatement("""
        select step_index, name, path, started_at, ended_at, outcome, error_code, error_message
        from steps where run_id = ? order by step_index""")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString("name");
          String path = rs.getString("path");
          String outcome = rs.getString("outcome");
          boolean failed = "FAIL".equals(outcome) || "ERROR".equals(outcome);
          // the run names its failing step by path (or name); without one, the first step that failed
          boolean failing = !failingFound && failed && (failingStep == null || failingStep.equals(path)
              || failingStep.equals(name));
          failingFound |= failing;
          int index = rs.getInt("step_index");
          steps.add(new StepView(index, name, path, Sql.instant(rs, "started_at"), Sql.instant(rs, "ended_at"),
              outcome, rs.getString("error_code"), rs.getString("error_message"), failing,
              byStep.getOrDefault(index, List.of())));
        }
      }
    }
    return steps;
  }

  /** The first lines in capture order; a line the agent split ({@code partial}) is joined with its continuation. */
  private static List<LogLineView> log(Connection c, UUID runId, int limit) throws SQLException {
    List<LogLineView> out = new ArrayList<>();
    Map<LogStream, StringBuilder> open = new EnumMap<>(LogStream.class);
    Map<LogStream, Instant> openAt = new EnumMap<>(LogStream.class);
    try (PreparedStatement ps = c.prepareStatement("""
        select c.stream, l.value ->> 'at' as at, l.value ->> 'text' as text, l.value ->> 'base64' as base64,
               coalesce((l.value ->> 'partial')::boolean, false) as partial
        from log_chunks c cross join lateral jsonb_array_elements(c.lines) with ordinality as l(value, n)
        where c.run_id = ? order by c.chunk, l.n limit ?""")) {
      ps.setObject(1, runId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          LogStream stream = LogStream.of(rs.getString("stream"));
          String text = rs.getString("text");
          if (text == null) {
            String b64 = rs.getString("base64");
            text = b64 == null ? "" : "[binary, " + Base64.getDecoder().decode(b64).length + " bytes]";
          }
          String at = rs.getString("at");
          Instant time = at == null ? null : Instant.parse(at);
          StringBuilder pending = open.remove(stream);
          Instant pendingAt = openAt.remove(stream);
          if (pending != null) {
            text = pending.append(text).toString();
            time = pendingAt;
          }
          if (rs.getBoolean("partial")) {
            open.put(stream, new StringBuilder(text));
            openAt.put(stream, time);
          } else {
            out.add(new LogLineView(stream.name(), time, text));
          }
        }
      }
    }
    open.forEach((stream, text) -> out.add(new LogLineView(stream.name(), openAt.get(stream), text.toString())));
    return out;
  }

  private static List<RunRow> rows(PreparedStatement ps) throws SQLException {
    List<RunRow> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new RunRow(rs.getObject("run_id", UUID.class), rs.getString("serial_number"),
            rs.getString("station_id"), rs.getString("operation"), rs.getString("program_name"),
            rs.getString("program_version"), rs.getInt("attempt"), Sql.instant(rs, "started_at"),
            Sql.longOrNull(rs, "duration_ms"), rs.getBoolean("finished"), rs.getString("outcome"),
            rs.getString("failing_step"), rs.getString("verdict"), rs.getString("verdict_code")));
      }
    }
    return out;
  }

  private static void condition(StringBuilder sql, List<Object> args, Object value, String clause) {
    if (value != null) {
      sql.append(clause);
      args.add(value);
    }
  }

  private enum LogStream {
    STDOUT, STDERR, AGENT, OTHER;

    static LogStream of(String s) {
      for (LogStream v : values()) {
        if (v.name().equals(s)) {
          return v;
        }
      }
      return OTHER;
    }
  }

  /** Where a page ends: (startedAt, runId) of its last row, base64url of {@code startedAt|runId} as in the API. */
  record Cursor(Instant startedAt, UUID runId) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((startedAt + "|" + runId).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String cursor) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        return new Cursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cursor: \"" + cursor + "\" is not a cursor this page gave", e);
      }
    }
  }
}
