package io.testline.cli.demo;

import io.testline.cli.standalone.Standalone;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/**
 * The demo's live view: what the line looks like from the result database, printed every few seconds — each
 * station's state, runs stored, passes, fails and last outcome, and how many runs have a shopfloor verdict.
 */
final class LiveView {
  private static final String QUERY = """
      SELECT s.station_id, s.state,
             count(r.run_id) FILTER (WHERE r.finished) AS stored,
             count(r.run_id) FILTER (WHERE r.outcome = 'PASS') AS passed,
             count(r.run_id) FILTER (WHERE r.finished AND r.outcome <> 'PASS') AS other,
             (SELECT r2.outcome || ' ' || r2.serial_number FROM runs r2 WHERE r2.station_id = s.station_id
               AND r2.finished ORDER BY r2.ended_at DESC LIMIT 1) AS last,
             count(v.run_id) AS verdicts,
             count(v.run_id) FILTER (WHERE v.verdict = 'REJECTED') AS rejected
        FROM stations s
        LEFT JOIN runs r ON r.station_id = s.station_id
        LEFT JOIN verdicts v ON v.run_id = r.run_id
       GROUP BY s.station_id, s.state
       ORDER BY s.station_id
      """;

  private final Standalone.Endpoints endpoints;
  private final PrintStream out;

  LiveView(Standalone.Endpoints endpoints, PrintStream out) {
    this.endpoints = endpoints;
    this.out = out;
  }

  void print() {
    StringBuilder view = new StringBuilder();
    view.append("---- line at ").append(LocalTime.now().truncatedTo(ChronoUnit.SECONDS))
        .append(" (from PostgreSQL) ----\n");
    try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
         PreparedStatement ps = c.prepareStatement(QUERY);
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        view.append(String.format("  %-7s %-7s stored %2d  pass %2d  not pass %2d  verdicts %2d (rejected %d)"
                + "  last %s%n", rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
            rs.getLong(7), rs.getLong(8), rs.getString(6) == null ? "-" : rs.getString(6)));
      }
    } catch (SQLException e) {
      view.append("  (database not ready: ").append(e.getMessage()).append(")\n");
    }
    synchronized (out) {
      out.print(view);
      out.flush();
    }
  }
}
