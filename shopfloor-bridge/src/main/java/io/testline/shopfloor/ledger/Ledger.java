package io.testline.shopfloor.ledger;

import io.testline.schemas.Ids;
import io.testline.schemas.Verdict;
import io.testline.text.StorableText;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable submission ledger in PostgreSQL: every finished run from intake to its verdict. All state changes of a
 * run go through here; every method is one short transaction and is safe to call from several threads and several
 * bridge instances.
 *
 * <p>Eligibility: per serial number only the oldest unfinished run (by finish time, then Kafka position) can be
 * claimed, so a retest never reaches the shopfloor before the earlier run of the same unit has a final answer.
 */
public final class Ledger {
  private static final Logger log = LoggerFactory.getLogger(Ledger.class);
  /** Flyway's history table of this module, apart from other modules' in a shared database. */
  public static final String HISTORY_TABLE = "shopfloor_schema_history";

  private static final String COLUMNS_OF_CLAIM =
      "s.run_id, s.serial_number, s.station_id, s.finished_at, s.payload, s.attempts, s.first_attempt_at";

  /** Appends one answered attempt to shopfloor_attempt; a replayed answer of the same attempt adds nothing. */
  private static final String ATTEMPT_INSERT = ", recorded AS (INSERT INTO shopfloor_attempt (run_id, attempt,"
      + " answered_at, outcome, code, message, reference, next_attempt_at) ";
  private static final String ATTEMPT_CONFLICT = " ON CONFLICT (run_id, attempt) DO NOTHING)"
      + " SELECT count(*) FROM moved";

  private final DataSource dataSource;

  public Ledger(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates or upgrades the ledger's tables. */
  public static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/shopfloor")
        .table(HISTORY_TABLE)
        // a database shared with another module is not empty: start our own history at version 0
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
  }

  /**
   * Records new runs, ignoring those already known (redelivery); returns how many were new. A known run that has
   * its verdict already gets it published again: a station that sends a run again has not heard its verdict (it
   * keeps the run in its journal until it does), and the shopfloor is not asked twice.
   */
  public int insert(List<NewRun> runs, Instant now) throws SQLException {
    if (runs.isEmpty()) {
      return 0;
    }
    String sql = "INSERT INTO shopfloor_submission (run_id, serial_number, station_id, finished_at, kafka_topic,"
        + " kafka_partition, kafka_offset, event_id, payload, received_at, next_attempt_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (NewRun run : runs) {
          ps.setObject(1, run.runId());
          // StorableText's rule: a NUL would fail the insert forever and stop the intake; the exact values stay in
          // the payload, which is what the shopfloor is sent
          ps.setString(2, StorableText.readable(run.serialNumber()));
          ps.setString(3, StorableText.readable(run.stationId()));
          ps.setObject(4, odt(run.finishedAt()));
          ps.setString(5, run.topic());
          ps.setInt(6, run.partition());
          ps.setLong(7, run.offset());
          ps.setObject(8, run.eventId());
          ps.setBytes(9, run.payload());
          ps.setObject(10, odt(now));
          ps.setObject(11, odt(now));
          ps.addBatch();
        }
        int inserted = 0;
        for (int n : ps.executeBatch()) {
          inserted += Math.max(n, 0);
        }
        republishKnownVerdicts(c, runs);
        c.commit();
        return inserted;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void republishKnownVerdicts(Connection c, List<NewRun> runs) throws SQLException {
    String sql = "UPDATE shopfloor_submission SET verdict_published = false"
        + " WHERE run_id = ANY(?::text[]::uuid[]) AND verdict IS NOT NULL AND verdict_published";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", runs.stream().map(r -> r.runId().toString()).toArray()));
      int again = ps.executeUpdate();
      if (again > 0) {
        log.info("{} runs sent again by their stations have a verdict already; publishing it again", again);
      }
    }
  }

  /**
   * Claims up to {@code limit} due runs, each the oldest unfinished run of its serial number: PENDING ones whose
   * next attempt is due, and IN_FLIGHT ones whose lease has expired (their worker died). Each claim counts as an
   * attempt and holds a lease until {@code now + lease}.
   */
  public List<Claim> claimDue(Instant now, int limit, Duration lease) throws SQLException {
    String sql = "WITH heads AS ("
        + "  SELECT DISTINCT ON (serial_number) run_id FROM shopfloor_submission"
        + "  WHERE state IN ('PENDING', 'IN_FLIGHT')"
        + "  ORDER BY serial_number, finished_at, kafka_partition, kafka_offset, run_id"
        + "), due AS ("
        + "  SELECT s.run_id FROM shopfloor_submission s JOIN heads h ON h.run_id = s.run_id"
        + "  WHERE (s.state = 'PENDING' AND s.next_attempt_at <= ?) OR (s.state = 'IN_FLIGHT' AND s.lease_until <= ?)"
        + "  ORDER BY s.next_attempt_at LIMIT ? FOR UPDATE OF s SKIP LOCKED"
        + ") UPDATE shopfloor_submission s SET state = 'IN_FLIGHT', lease_until = ?, attempts = s.attempts + 1,"
        + "  first_attempt_at = COALESCE(s.first_attempt_at, ?)"
        + " FROM due WHERE s.run_id = due.run_id RETURNING " + COLUMNS_OF_CLAIM;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      ps.setObject(1, odt(now));
      ps.setObject(2, odt(now));
      ps.setInt(3, limit);
      ps.setObject(4, odt(now.plus(lease)));
      ps.setObject(5, odt(now));
      List<Claim> claims = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          claims.add(new Claim(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), instant(rs, 4),
              rs.getBytes(5), rs.getInt(6), instant(rs, 7)));
        }
      }
      return claims;
    }
  }

  /**
   * Records the final answer of {@code claim}'s attempt and a verdict to publish, and the attempt in the run's
   * history. False when the claim is stale (its lease expired and the run was claimed again): nothing is changed then.
   */
  public boolean recordVerdict(Claim claim, Verdict verdict, String code, String message, String reference,
      String lastError, Instant now) throws SQLException {
    String sql = "WITH moved AS (UPDATE shopfloor_submission SET state = ?, verdict = ?, verdict_code = ?,"
        + " verdict_message = ?, shopfloor_reference = ?, verdict_at = ?, verdict_event_id = ?,"
        + " verdict_published = false, lease_until = NULL, last_error = COALESCE(?, last_error)"
        + " WHERE run_id = ? AND state = 'IN_FLIGHT' AND attempts = ?"
        + " RETURNING run_id, attempts, verdict_at, verdict, verdict_code, verdict_message, shopfloor_reference) "
        + ATTEMPT_INSERT + "SELECT run_id, attempts, verdict_at, verdict, verdict_code, verdict_message,"
        + " shopfloor_reference, NULL FROM moved" + ATTEMPT_CONFLICT;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, verdict.name());
      ps.setString(2, verdict.name());
      // the shopfloor's own text: stored readably (a NUL must not fail the verdict), not kept exactly
      ps.setString(3, StorableText.readable(code));
      ps.setString(4, StorableText.readable(message));
      ps.setString(5, StorableText.readable(reference));
      ps.setObject(6, odt(now));
      ps.setObject(7, Ids.newId());
      ps.setString(8, StorableText.readable(lastError));
      ps.setObject(9, claim.runId());
      ps.setInt(10, claim.attempts());
      return countsMoved(ps);
    }
  }

  /**
   * Puts {@code claim}'s run back to PENDING until {@code nextAttemptAt}, and records the attempt (answered at
   * {@code now}) as a RETRY in the run's history. False when the claim is stale.
   */
  public boolean reschedule(Claim claim, Instant nextAttemptAt, String lastError, Instant now) throws SQLException {
    String sql = "WITH moved AS (UPDATE shopfloor_submission SET state = 'PENDING', next_attempt_at = ?,"
        + " lease_until = NULL, last_error = ? WHERE run_id = ? AND state = 'IN_FLIGHT' AND attempts = ?"
        + " RETURNING run_id, attempts, next_attempt_at, last_error) "
        + ATTEMPT_INSERT + "SELECT run_id, attempts, ?::timestamptz, 'RETRY', NULL, last_error, NULL, next_attempt_at FROM moved"
        + ATTEMPT_CONFLICT;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, odt(nextAttemptAt));
      ps.setString(2, StorableText.readable(lastError));
      ps.setObject(3, claim.runId());
      ps.setInt(4, claim.attempts());
      ps.setObject(5, odt(now));
      return countsMoved(ps);
    }
  }

  /** The statement's RETURNING gives one row per moved submission; an attempt already recorded still counts. */
  private static boolean countsMoved(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getInt(1) == 1;
    }
  }

  /**
   * Gives a claim back without counting it as an attempt: nothing was sent (circuit open, rate limit, shutdown).
   * False when the claim is stale.
   */
  public boolean release(Claim claim, Instant nextAttemptAt) throws SQLException {
    String sql = "UPDATE shopfloor_submission SET state = 'PENDING', next_attempt_at = ?, lease_until = NULL,"
        + " attempts = attempts - 1, first_attempt_at = CASE WHEN attempts = 1 THEN NULL ELSE first_attempt_at END"
        + " WHERE run_id = ? AND state = 'IN_FLIGHT' AND attempts = ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, odt(nextAttemptAt));
      ps.setObject(2, claim.runId());
      ps.setInt(3, claim.attempts());
      return ps.executeUpdate() == 1;
    }
  }

  /** Final verdicts not yet acknowledged by Kafka, oldest first. */
  public List<PendingVerdict> unpublishedVerdicts(int limit) throws SQLException {
    String sql = "SELECT run_id, serial_number, station_id, verdict, verdict_code, verdict_message, attempts,"
        + " finished_at, shopfloor_reference, verdict_at, verdict_event_id FROM shopfloor_submission"
        + " WHERE verdict IS NOT NULL AND NOT verdict_published ORDER BY verdict_at LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, limit);
      List<PendingVerdict> verdicts = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Instant finishedAt = instant(rs, 8);
          Instant verdictAt = instant(rs, 10);
          verdicts.add(new PendingVerdict(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
              Verdict.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), Math.max(1, rs.getInt(7)),
              Math.max(0, Duration.between(finishedAt, verdictAt).toMillis()), rs.getString(9), verdictAt,
              rs.getObject(11, UUID.class)));
        }
      }
      return verdicts;
    }
  }

  /** Marks verdicts published, each only if it is still the verdict of its run (a redrive may have replaced it). */
  public int markPublished(Collection<PendingVerdict> verdicts) throws SQLException {
    if (verdicts.isEmpty()) {
      return 0;
    }
    String sql = "UPDATE shopfloor_submission s SET verdict_published = true"
        + " FROM unnest(?::text[]::uuid[], ?::text[]::uuid[]) AS p(run_id, event_id)"
        + " WHERE s.run_id = p.run_id AND s.verdict_event_id = p.event_id";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      Array runIds = c.createArrayOf("text", verdicts.stream().map(v -> v.runId().toString()).toArray());
      Array eventIds = c.createArrayOf("text", verdicts.stream().map(v -> v.eventId().toString()).toArray());
      ps.setArray(1, runIds);
      ps.setArray(2, eventIds);
      return ps.executeUpdate();
    }
  }

  /** DEAD runs, oldest first. */
  public List<DeadRun> listDead(int limit) throws SQLException {
    String sql = "SELECT run_id, serial_number, station_id, finished_at, attempts, verdict_at, last_error"
        + " FROM shopfloor_submission WHERE state = 'DEAD' ORDER BY finished_at LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, limit);
      List<DeadRun> dead = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          dead.add(new DeadRun(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), instant(rs, 4),
              rs.getInt(5), instant(rs, 6), rs.getString(7)));
        }
      }
      return dead;
    }
  }

  /** Makes one DEAD run PENDING again, due now, with a fresh retry deadline. False when it is not DEAD. */
  public boolean redrive(UUID runId, Instant now) throws SQLException {
    return redrive(" AND run_id = ?", runId, now) == 1;
  }

  /** Makes every DEAD run PENDING again; returns how many. */
  public int redriveAllDead(Instant now) throws SQLException {
    return redrive("", null, now);
  }

  private int redrive(String condition, UUID runId, Instant now) throws SQLException {
    String sql = "UPDATE shopfloor_submission SET state = 'PENDING', next_attempt_at = ?, first_attempt_at = NULL,"
        + " lease_until = NULL, verdict = NULL, verdict_code = NULL, verdict_message = NULL, verdict_at = NULL,"
        + " verdict_event_id = NULL, verdict_published = false WHERE state = 'DEAD'" + condition;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, odt(now));
      if (runId != null) {
        ps.setObject(2, runId);
      }
      return ps.executeUpdate();
    }
  }

  /** Counts of the states that matter for operation (PENDING, IN_FLIGHT, DEAD) and the oldest unfinished run. */
  public LedgerStats stats() throws SQLException {
    Map<SubmissionState, Long> byState = new EnumMap<>(SubmissionState.class);
    Instant oldest;
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*) FROM shopfloor_submission"
          + " WHERE state IN ('PENDING', 'IN_FLIGHT', 'DEAD') GROUP BY state");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byState.put(SubmissionState.valueOf(rs.getString(1)), rs.getLong(2));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT min(received_at) FROM shopfloor_submission"
          + " WHERE state IN ('PENDING', 'IN_FLIGHT')");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        oldest = instant(rs, 1);
      }
    }
    return new LedgerStats(Map.copyOf(byState), oldest);
  }

  private static OffsetDateTime odt(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
