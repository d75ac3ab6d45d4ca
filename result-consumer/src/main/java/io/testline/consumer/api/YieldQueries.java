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
import javax.sql.DataSource;

/**
 * First-pass yield and top failing steps per station and program over a time range of run starts.
 *
 * <p>First-pass yield is the share of units (serial numbers) whose first attempt ({@code attempt = 1}) at that
 * station and program passed, among units with a finished first attempt in the range. Failing steps count the
 * steps with outcome FAIL or ERROR over all finished runs in the range, by step path (or name).
 */
final class YieldQueries {
  private final DataSource dataSource;

  YieldQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  List<Map<String, Object>> yields(Instant from, Instant to, String station, String program, int top)
      throws SQLException {
    String filters = (station == null ? "" : " and station_id = ?") + (program == null ? "" : " and program_name = ?");
    Map<List<String>, Map<String, Object>> groups = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        try (PreparedStatement ps = c.prepareStatement("""
            with first_attempts as (
              select distinct on (serial_number, station_id, program_name) station_id, program_name, outcome
              from runs
              where attempt = 1 and finished and started_at >= ? and started_at < ?""" + filters + """

              order by serial_number, station_id, program_name, started_at, run_id
            )
            select station_id, program_name, count(*), count(*) filter (where outcome = 'PASS')
            from first_attempts group by station_id, program_name order by station_id, program_name""")) {
          bind(ps, from, to, station, program);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long units = rs.getLong(3);
              long passed = rs.getLong(4);
              Map<String, Object> g = group(groups, rs.getString(1), rs.getString(2));
              g.put("units", units);
              g.put("passedFirstTime", passed);
              g.put("firstPassYield", units == 0 ? null : (double) passed / units);
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement("""
            select r.station_id, r.program_name, coalesce(s.path, s.name) as step, count(*) as failures
            from runs r join steps s on s.run_id = r.run_id
            where r.finished and s.outcome in ('FAIL', 'ERROR') and r.started_at >= ? and r.started_at < ?"""
            + filters.replace("station_id", "r.station_id").replace("program_name", "r.program_name") + """

            group by 1, 2, 3
            order by 1, 2, 4 desc, 3""")) {
          bind(ps, from, to, station, program);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Map<String, Object> g = group(groups, rs.getString(1), rs.getString(2));
              @SuppressWarnings("unchecked")
              List<Map<String, Object>> steps = (List<Map<String, Object>>) g.get("topFailingSteps");
              if (steps.size() < top) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("step", rs.getString(3));
                step.put("failures", rs.getLong(4));
                steps.add(step);
              }
            }
          }
        }
      } finally {
        c.rollback();
      }
    }
    return new ArrayList<>(groups.values());
  }

  private static Map<String, Object> group(Map<List<String>, Map<String, Object>> groups, String station,
      String program) {
    return groups.computeIfAbsent(List.of(station, program), k -> {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("stationId", station);
      g.put("program", program);
      g.put("units", 0L);
      g.put("passedFirstTime", 0L);
      g.put("firstPassYield", null);
      g.put("topFailingSteps", new ArrayList<Map<String, Object>>());
      return g;
    });
  }

  private static void bind(PreparedStatement ps, Instant from, Instant to, String station, String program)
      throws SQLException {
    int i = 1;
    ps.setObject(i++, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
    ps.setObject(i++, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
    if (station != null) {
      ps.setString(i++, station);
    }
    if (program != null) {
      ps.setString(i, program);
    }
  }
}
