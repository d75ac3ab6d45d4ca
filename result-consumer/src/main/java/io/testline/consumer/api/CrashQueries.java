package io.testline.consumer.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Crashes grouped by crash site (the Pareto of where programs crash or hang): finished runs with a crash site whose
 * start lies in {@code [from, to)}, counted per site, most frequent first.
 */
final class CrashQueries {
  private final DataSource dataSource;
  private final Rows rows;

  CrashQueries(DataSource dataSource, Rows rows) {
    this.dataSource = dataSource;
    this.rows = rows;
  }

  List<Map<String, Object>> bySite(Instant from, Instant to, String station, String program, int top)
      throws SQLException {
    StringBuilder sql = new StringBuilder("""
        select crash_site, crash_file, crash_line, crash_function, count(*) as runs,
               count(*) filter (where outcome = 'CRASHED') as crashed,
               count(*) filter (where outcome = 'TIMEOUT') as timed_out,
               count(distinct serial_number) as units, max(started_at) as last_started_at
        from runs
        where finished and crash_site is not null and started_at >= ? and started_at < ?""");
    List<Object> args = new ArrayList<>(List.of(time(from), time(to)));
    if (station != null) {
      sql.append(" and station_id = ?");
      args.add(station);
    }
    if (program != null) {
      sql.append(" and program_name = ?");
      args.add(program);
    }
    sql.append("""

        group by crash_site, crash_file, crash_line, crash_function
        order by runs desc, crash_site limit ?""");
    args.add(top);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rows.all(rs);
      }
    }
  }

  private static OffsetDateTime time(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
