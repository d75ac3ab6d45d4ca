package io.testline.consumer.api;

import io.testline.interop.store.Columns;
import io.testline.interop.store.RunLoader;
import io.testline.interop.store.StoredRun;
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
  private final RunLoader loader;
  private final Rows rows;
  private final Cursors cursors;

  RunQueries(DataSource dataSource, Rows rows, Cursors cursors) {
    this.dataSource = dataSource;
    // the document has the log's size, not its lines
    this.loader = new RunLoader(dataSource, 0);
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

  /**
   * One run, every column of its row, with its steps (each with its measurements), verdict and log size; empty when
   * the run is unknown. Read by the interop loader, the one the exports and the web's run page use too.
   */
  Optional<Map<String, Object>> get(UUID runId) throws SQLException {
    return loader.loadStored(runId).map(this::document);
  }

  private Map<String, Object> document(StoredRun stored) {
    Map<String, Object> run = rows.of(stored.run());
    List<Map<String, Object>> steps = new ArrayList<>();
    for (StoredRun.Step step : stored.steps()) {
      Map<String, Object> s = rows.of(step.step());
      List<Map<String, Object>> measurements = new ArrayList<>();
      for (Columns m : step.measurements()) {
        Map<String, Object> measurement = rows.of(m);
        measurement.remove("stepIndex");
        measurements.add(measurement);
      }
      s.put("measurements", measurements);
      steps.add(s);
    }
    run.put("steps", steps);
    run.put("verdict", stored.verdict() == null ? null : rows.of(stored.verdict()));
    run.put("log", rows.of(stored.log()));
    return run;
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
