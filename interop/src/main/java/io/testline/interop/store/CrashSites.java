package io.testline.interop.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Crashes grouped by crash site (the Pareto of where programs crash or hang): finished runs with a crash site whose
 * start lies in {@code [from, to)}, counted per site, most frequent first. The one query behind the query API's
 * {@code /api/crashes} and the web's crashes page.
 */
public final class CrashSites {
  private final DataSource dataSource;

  public CrashSites(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * @param station null for every station
   * @param program null for every program
   * @param top at most this many sites, the most frequent
   */
  public List<CrashSiteCount> bySite(Instant from, Instant to, String station, String program, int top)
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
      List<CrashSiteCount> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int line = rs.getInt("crash_line");
          Integer crashLine = rs.wasNull() ? null : line;
          OffsetDateTime last = rs.getObject("last_started_at", OffsetDateTime.class);
          out.add(new CrashSiteCount(rs.getString("crash_site"), rs.getString("crash_file"), crashLine,
              rs.getString("crash_function"), rs.getLong("runs"), rs.getLong("crashed"), rs.getLong("timed_out"),
              rs.getLong("units"), last == null ? null : last.toInstant()));
        }
      }
      return out;
    }
  }

  private static OffsetDateTime time(Instant t) {
    return OffsetDateTime.ofInstant(Objects.requireNonNull(t), ZoneOffset.UTC);
  }
}
