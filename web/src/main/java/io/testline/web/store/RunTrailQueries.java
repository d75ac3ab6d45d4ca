package io.testline.web.store;

import io.testline.web.view.AttachmentView;
import io.testline.web.view.ProvenanceView;
import io.testline.web.view.RunTrail;
import io.testline.web.view.ShopfloorAttempt;
import io.testline.web.view.ShopfloorHistory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A run's trail for the run page: its steps' attachments (result-consumer's {@code steps.attachments}), its
 * shopfloor history (shopfloor-bridge's ledger, {@code shopfloor_submission} and {@code shopfloor_attempt}, which
 * share the result database in standalone and compose) and the Kafka position of each of its stored events
 * ({@code processed_events.run_id}). A database without the ledger's tables shows the rest all the same.
 */
public final class RunTrailQueries {
  /** PostgreSQL's undefined_table: the web reads a database the shopfloor-bridge does not write. */
  private static final String UNDEFINED_TABLE = "42P01";
  static final int MAX_ATTACHMENTS = 1000;
  static final int MAX_EVENTS = 2000;

  private final DataSource dataSource;

  public RunTrailQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public RunTrail trail(UUID runId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<AttachmentView> attachments = attachments(c, runId);
      List<ProvenanceView> provenance = provenance(c, runId);
      ShopfloorHistory shopfloor;
      try {
        shopfloor = shopfloor(c, runId);
      } catch (SQLException e) {
        if (UNDEFINED_TABLE.equals(e.getSQLState())) {
          return new RunTrail(attachments, RunTrail.Ledger.UNREADABLE, null, provenance);
        }
        throw e;
      }
      return new RunTrail(attachments, shopfloor == null ? RunTrail.Ledger.NOT_SUBMITTED : RunTrail.Ledger.SHOWN,
          shopfloor, provenance);
    }
  }

  private static List<AttachmentView> attachments(Connection c, UUID runId) throws SQLException {
    List<AttachmentView> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select s.step_index, s.name as step, a->>'name' as name, a->>'path' as path, a->>'mediaType' as media_type,
               case when jsonb_typeof(a->'sizeBytes') = 'number' then (a->>'sizeBytes')::numeric end as size_bytes,
               a->>'sha256' as sha256
        from steps s
        cross join lateral jsonb_array_elements(
            case when jsonb_typeof(s.attachments) = 'array' then s.attachments else '[]'::jsonb end) a
        where s.run_id = ? order by s.step_index limit ?""")) {
      ps.setObject(1, runId);
      ps.setInt(2, MAX_ATTACHMENTS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          java.math.BigDecimal size = rs.getBigDecimal("size_bytes");
          out.add(new AttachmentView(rs.getInt("step_index"), rs.getString("step"), rs.getString("name"),
              rs.getString("path"), rs.getString("media_type"), size == null ? null : size.longValue(),
              rs.getString("sha256")));
        }
      }
    }
    return out;
  }

  private static List<ProvenanceView> provenance(Connection c, UUID runId) throws SQLException {
    List<ProvenanceView> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select event_id, schema, kafka_topic, kafka_partition, kafka_offset from processed_events
        where run_id = ? order by kafka_topic, kafka_partition, kafka_offset limit ?""")) {
      ps.setObject(1, runId);
      ps.setInt(2, MAX_EVENTS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ProvenanceView(rs.getObject("event_id", UUID.class), rs.getString("schema"),
              rs.getString("kafka_topic"), rs.getInt("kafka_partition"), rs.getLong("kafka_offset")));
        }
      }
    }
    return out;
  }

  private static ShopfloorHistory shopfloor(Connection c, UUID runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        select state, received_at, attempts, first_attempt_at, next_attempt_at, last_error, verdict, verdict_code,
               verdict_message, shopfloor_reference, verdict_at
        from shopfloor_submission where run_id = ?""")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new ShopfloorHistory(rs.getString("state"), Sql.instant(rs, "received_at"), rs.getInt("attempts"),
            Sql.instant(rs, "first_attempt_at"), Sql.instant(rs, "next_attempt_at"), rs.getString("last_error"),
            rs.getString("verdict"), rs.getString("verdict_code"), rs.getString("verdict_message"),
            rs.getString("shopfloor_reference"), Sql.instant(rs, "verdict_at"), answered(c, runId));
      }
    }
  }

  private static List<ShopfloorAttempt> answered(Connection c, UUID runId) throws SQLException {
    List<ShopfloorAttempt> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select attempt, answered_at, outcome, code, message, reference, next_attempt_at
        from shopfloor_attempt where run_id = ? order by attempt""")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ShopfloorAttempt(rs.getInt("attempt"), Sql.instant(rs, "answered_at"), rs.getString("outcome"),
              rs.getString("code"), rs.getString("message"), rs.getString("reference"),
              Sql.instant(rs, "next_attempt_at")));
        }
      }
    }
    return out;
  }
}
