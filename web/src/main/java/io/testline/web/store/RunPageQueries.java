package io.testline.web.store;

import io.testline.web.view.RunRow;
import io.testline.web.view.RunsFilter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Runs for the pages: a filtered list newest first with keyset paging (never OFFSET) and all runs of a serial (one
 * run with its steps is {@link RunDetails}'s). Written against result-consumer's tables; the
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
