package io.testline.web.store;

import io.testline.web.view.ShiftStats;
import io.testline.web.view.Tile;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The line wall: every station with its last state, its latest run (by start), that run's latest step and
 * verdict; and the counts of a shift. Written against the result tables of result-consumer's schema.
 */
public final class LineQueries {
  private static final String TILES = """
      select s.station_id, s.state, s.hostname,
             -- since when online (its agent's birth) or offline (its death); heartbeats move state_at, not this
             case when s.state = 'ONLINE'
                  then case when s.birth_at is not null and (s.death_at is null or s.birth_at > s.death_at)
                            then s.birth_at else s.state_at end
                  else coalesce(s.death_at, s.state_at) end as since,
             (s.heartbeat ->> 'journalDepth')::bigint as journal_depth,
             coalesce((s.heartbeat ->> 'journalAlarm')::boolean, false) as journal_alarm,
             s.heartbeat ->> 'activeRunId' as active_run_id, s.heartbeat ->> 'activeStep' as active_step,
             r.run_id, r.serial_number, r.operation, r.program_name, r.started_at, r.finished, r.outcome,
             r.ended_at, st.name as step_name, v.verdict, v.code as verdict_code, v.occurred_at as verdict_at
      from stations s
      left join lateral (select run_id, serial_number, operation, program_name, started_at, finished, outcome,
                                ended_at
                         from runs where runs.station_id = s.station_id
                         order by started_at desc, run_id desc limit 1) r on true
      left join lateral (select name from steps where steps.run_id = r.run_id
                         order by step_index desc limit 1) st on true
      left join verdicts v on v.run_id = r.run_id
      """;

  private final DataSource dataSource;

  public LineQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Every station, ordered by id. */
  public List<Tile> tiles() throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement(TILES + " order by s.station_id")) {
      return read(ps);
    }
  }

  /** The named stations that exist, ordered by id. */
  public List<Tile> tiles(Collection<String> stationIds) throws SQLException {
    if (stationIds.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement(TILES + " where s.station_id = any(?) order by s.station_id")) {
      Array ids = c.createArrayOf("text", stationIds.toArray());
      ps.setArray(1, ids);
      return read(ps);
    }
  }

  /**
   * Runs started since {@code shiftStart}; units whose first attempt (per station and program, as the query API's
   * yield counts them) started and finished in the shift, and how many passed; shopfloor rejections in the shift.
   */
  public ShiftStats shift(Instant shiftStart) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        select (select count(*) from runs where started_at >= ?) as runs,
               count(*) as units, count(*) filter (where outcome = 'PASS') as passed,
               (select count(*) from verdicts where verdict = 'REJECTED' and occurred_at >= ?) as rejected
        from (select distinct on (serial_number, station_id, program_name) outcome
              from runs where attempt = 1 and finished and started_at >= ?
              order by serial_number, station_id, program_name, started_at, run_id) first_attempts""")) {
      ps.setObject(1, Sql.time(shiftStart));
      ps.setObject(2, Sql.time(shiftStart));
      ps.setObject(3, Sql.time(shiftStart));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new ShiftStats(shiftStart, rs.getLong("runs"), rs.getLong("units"), rs.getLong("passed"),
            rs.getLong("rejected"));
      }
    }
  }

  private static List<Tile> read(PreparedStatement ps) throws SQLException {
    List<Tile> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        UUID runId = rs.getObject("run_id", UUID.class);
        boolean testing = runId != null && !rs.getBoolean("finished");
        String step = rs.getString("step_name");
        if (testing && runId.toString().equals(rs.getString("active_run_id")) && rs.getString("active_step") != null) {
          step = rs.getString("active_step");
        }
        String result = null;
        Instant resultAt = null;
        String rejection = null;
        if (runId != null && !testing) {
          result = rs.getString("outcome");
          resultAt = Sql.instant(rs, "ended_at");
          if ("REJECTED".equals(rs.getString("verdict"))) {
            result = "REJECTED";
            resultAt = Sql.instant(rs, "verdict_at");
            rejection = rs.getString("verdict_code");
          }
        }
        out.add(new Tile(rs.getString("station_id"), "ONLINE".equals(rs.getString("state")),
            Sql.instant(rs, "since"), rs.getString("hostname"), Sql.longOrNull(rs, "journal_depth"),
            rs.getBoolean("journal_alarm"), runId, rs.getString("serial_number"), rs.getString("operation"),
            rs.getString("program_name"), Sql.instant(rs, "started_at"), testing, testing ? step : null, result,
            resultAt, rejection));
      }
    }
    return out;
  }
}
