package io.testline.web.store;

import io.testline.web.view.StationSubmissions;
import io.testline.web.view.Submission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The shopfloor page's reads of the shopfloor-bridge's ledger ({@code shopfloor_submission}, in the result database
 * in standalone and compose). Changes go through the bridge's own {@code Ledger}, never through here.
 */
public final class ShopfloorQueries {
  private static final String COLUMNS = "run_id, serial_number, station_id, state, attempts, received_at, finished_at,"
      + " next_attempt_at, last_error, verdict_code, verdict_message, verdict_at";

  /** What the page lists of one state. */
  public enum Kind {
    /** Waiting for the shopfloor (PENDING or IN_FLIGHT), oldest first. */
    BACKLOG("state in ('PENDING', 'IN_FLIGHT')", "received_at, run_id"),
    /** Rejected by the shopfloor, newest answer first. */
    REJECTED("state = 'REJECTED'", "verdict_at desc, run_id"),
    /** Given up after the retry deadline, newest first. */
    DEAD("state = 'DEAD'", "verdict_at desc, run_id");

    private final String where;
    private final String order;

    Kind(String where, String order) {
      this.where = where;
      this.order = order;
    }
  }

  private final DataSource dataSource;

  public ShopfloorQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Whether the database holds the shopfloor ledger at all. */
  public boolean ledgerExists() throws SQLException {
    try (Connection c = dataSource.getConnection();
         PreparedStatement ps = c.prepareStatement("select to_regclass('shopfloor_submission') is not null");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /** Per station (all, or {@code station}), what is queued, rejected and dead; stations with none of it left out. */
  public List<StationSubmissions> byStation(String station) throws SQLException {
    String sql = "select station_id,"
        + " count(*) filter (where state in ('PENDING', 'IN_FLIGHT')) as queued,"
        + " min(received_at) filter (where state in ('PENDING', 'IN_FLIGHT')) as oldest_queued,"
        + " count(*) filter (where state = 'REJECTED') as rejected,"
        + " count(*) filter (where state = 'DEAD') as dead"
        + " from shopfloor_submission where state <> 'ACCEPTED'" + (station == null ? "" : " and station_id = ?")
        + " group by station_id order by station_id";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      if (station != null) {
        ps.setString(1, station);
      }
      List<StationSubmissions> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new StationSubmissions(rs.getString("station_id"), rs.getLong("queued"),
              Sql.instant(rs, "oldest_queued"), rs.getLong("rejected"), rs.getLong("dead")));
        }
      }
      return rows;
    }
  }

  /** Up to {@code limit} submissions of {@code kind} (of {@code station}, or all). */
  public List<Submission> list(Kind kind, String station, int limit) throws SQLException {
    String sql = "select " + COLUMNS + " from shopfloor_submission where " + kind.where
        + (station == null ? "" : " and station_id = ?") + " order by " + kind.order + " limit ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (station != null) {
        ps.setString(i++, station);
      }
      ps.setInt(i, limit);
      List<Submission> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Submission(rs.getObject("run_id", UUID.class), rs.getString("serial_number"),
              rs.getString("station_id"), rs.getString("state"), rs.getInt("attempts"),
              Sql.instant(rs, "received_at"), Sql.instant(rs, "finished_at"), Sql.instant(rs, "next_attempt_at"),
              rs.getString("last_error"), rs.getString("verdict_code"), rs.getString("verdict_message"),
              Sql.instant(rs, "verdict_at")));
        }
      }
      return rows;
    }
  }
}
