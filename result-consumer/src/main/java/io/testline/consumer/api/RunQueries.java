package io.testline.consumer.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Runs: listed by filter with keyset paging, and one run with its steps, measurements, verdict and log size. */
final class RunQueries {
  private static final String SUMMARY_COLUMNS = """
      run_id, serial_number, station_id, program_name, program_version, part_number, attempt, test_method,
      operation, started_at, ended_at, duration_ms, finished, outcome, failing_step, crash_site""";

  private final DataSource dataSource;
  private final Rows rows;
  private final Cursors cursors;

  RunQueries(DataSource dataSource, Rows rows, Cursors cursors) {
    this.dataSource = dataSource;
    this.rows = rows;
    this.cursors = cursors;
  }

  Cursors cursors() {
    return cursors;
  }

  /** A page of runs and the cursor of the next page (null on the last). */
  Map<String, Object> list(RunFilter f) throws SQLException {
    StringBuilder sql = new StringBuilder("select " + SUMMARY_COLUMNS + " from runs where true");
    List<Object> args = new ArrayList<>();
    condition(sql, args, f.serial(), " and serial_number = ?");
    condition(sql, args, f.station(), " and station_id = ?");
    condition(sql, args, f.outcome(), " and outcome = ?");
    condition(sql, args, f.program(), " and program_name = ?");
    condition(sql, args, f.crashSite(), " and crash_site = ?");
    condition(sql, args, time(f.from()), " and started_at >= ?");
    condition(sql, args, time(f.to()), " and started_at < ?");
    if (f.afterRunId() != null) {
      sql.append(" and (started_at, run_id) < (?, ?)");
      args.add(time(f.afterStartedAt()));
      args.add(f.afterRunId());
    }
    sql.append(" order by started_at desc, run_id desc limit ?");
    args.add(f.limit() + 1);
    List<Map<String, Object>> page;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        page = rows.all(rs);
      }
    }
    String next = null;
    if (page.size() > f.limit()) {
      page = page.subList(0, f.limit());
      Map<String, Object> last = page.get(page.size() - 1);
      next = cursors.encode((Instant) last.get("startedAt"), (UUID) last.get("runId"));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runs", page);
    out.put("nextCursor", next);
    return out;
  }

  /** One run with steps (each with its measurements), verdict and log size; empty when the run is unknown. */
  Optional<Map<String, Object>> get(UUID runId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      // one snapshot for the run and its parts, so a concurrent run.finished is seen whole or not at all
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        Map<String, Object> run = single(c, "select * from runs where run_id = ?", runId);
        if (run == null) {
          return Optional.empty();
        }
        List<Map<String, Object>> steps = query(c, """
            select step_index, name, path, started_at, ended_at, outcome, error_code, error_message, attachments
            from steps where run_id = ? order by step_index""", runId);
        List<Map<String, Object>> measurements = query(c, """
            select step_index, ordinal, name, value, text_value, unit, low_limit, high_limit, comparator, nominal,
                   outcome, marginal
            from measurements where run_id = ? order by step_index, ordinal""", runId);
        Map<Object, List<Map<String, Object>>> byStep = new LinkedHashMap<>();
        for (Map<String, Object> m : measurements) {
          byStep.computeIfAbsent(m.remove("stepIndex"), k -> new ArrayList<>()).add(m);
        }
        for (Map<String, Object> s : steps) {
          s.put("measurements", byStep.getOrDefault(s.get("stepIndex"), List.of()));
        }
        run.put("steps", steps);
        Map<String, Object> verdict = single(c, """
            select verdict, code, message, attempts, latency_ms, shopfloor_reference, occurred_at
            from verdicts where run_id = ?""", runId);
        run.put("verdict", verdict);
        run.put("log", single(c, """
            select count(*) as chunks, coalesce(sum(line_count), 0) as lines, coalesce(sum(bytes), 0) as bytes
            from log_chunks where run_id = ?""", runId));
        return Optional.of(run);
      } finally {
        c.rollback();
      }
    }
  }

  private List<Map<String, Object>> query(Connection c, String sql, UUID runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rows.all(rs);
      }
    }
  }

  private Map<String, Object> single(Connection c, String sql, UUID runId) throws SQLException {
    List<Map<String, Object>> all = query(c, sql, runId);
    return all.isEmpty() ? null : all.get(0);
  }

  private static void condition(StringBuilder sql, List<Object> args, Object value, String clause) {
    if (value != null) {
      sql.append(clause);
      args.add(value);
    }
  }

  private static OffsetDateTime time(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
