package io.testline.consumer.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** Stations with their last known state and their latest run. */
final class StationQueries {
  private final DataSource dataSource;
  private final Rows rows;

  StationQueries(DataSource dataSource, Rows rows) {
    this.dataSource = dataSource;
    this.rows = rows;
  }

  List<Map<String, Object>> all() throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        select s.station_id, s.state, s.state_at, s.agent_session, s.agent_version, s.config_hash, s.site, s.line,
               s.hostname, s.os, s.labels, s.birth_at, s.death_at, s.death_graceful, s.death_reason,
               s.heartbeat_at, s.heartbeat,
               r.run_id as last_run_id, r.serial_number as last_run_serial_number,
               r.started_at as last_run_started_at, r.outcome as last_run_outcome
        from stations s
        left join lateral (select run_id, serial_number, started_at, outcome from runs
                           where runs.station_id = s.station_id
                           order by started_at desc, run_id desc limit 1) r on true
        order by s.station_id""");
         ResultSet rs = ps.executeQuery()) {
      return rows.all(rs);
    }
  }
}
