package io.testline.interop.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads one run from the result database (result-consumer's tables) into a {@link RunRecord}: the run, its steps
 * and measurements, its verdict and its log's first {@code maxLogLines} lines, all from one snapshot so a
 * concurrent {@code run.finished} is seen whole or not at all.
 */
public final class RunLoader {
  /** Log lines a record holds unless told otherwise: enough for a report, bounded for a window of thousands. */
  public static final int DEFAULT_MAX_LOG_LINES = 10_000;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final TypeReference<List<RunRecord.Unit>> UNITS = new TypeReference<>() {};
  private static final TypeReference<List<StepRecord.AttachmentRecord>> ATTACHMENTS = new TypeReference<>() {};

  private final DataSource dataSource;
  private final int maxLogLines;

  public RunLoader(DataSource dataSource) {
    this(dataSource, DEFAULT_MAX_LOG_LINES);
  }

  public RunLoader(DataSource dataSource, int maxLogLines) {
    if (maxLogLines < 0) {
      throw new IllegalArgumentException("maxLogLines must be >= 0: " + maxLogLines);
    }
    this.dataSource = dataSource;
    this.maxLogLines = maxLogLines;
  }

  /** The run, or empty when no run with this id is stored. */
  public Optional<RunRecord> load(UUID runId) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        return Optional.ofNullable(read(c, runId));
      } finally {
        c.rollback();
      }
    }
  }

  private RunRecord read(Connection c, UUID runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select * from runs where run_id = ?")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Long duration = rs.getObject("duration_ms", Long.class);
        Integer exitCode = rs.getObject("exit_code", Integer.class);
        return new RunRecord(runId, rs.getString("serial_number"), rs.getString("station_id"),
            json(rs.getString("units"), UNITS), rs.getString("part_number"), rs.getString("part_revision"),
            rs.getString("program_name"), rs.getString("program_version"), rs.getString("program_hash"),
            rs.getString("operator"), rs.getString("work_order"), rs.getInt("attempt"), rs.getString("test_method"),
            rs.getString("operation"), instant(rs, "started_at"), instant(rs, "ended_at"), duration,
            rs.getBoolean("finished"), rs.getString("outcome"), exitCode, rs.getString("signal"),
            rs.getString("error_code"), rs.getString("error_message"), rs.getString("failing_step"),
            steps(c, runId), verdict(c, runId), log(c, runId), logLines(c, runId));
      }
    }
  }

  private List<StepRecord> steps(Connection c, UUID runId) throws SQLException {
    Map<Integer, List<MeasurementRecord>> byStep = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select step_index, ordinal, name, value, text_value, unit, low_limit, high_limit, comparator, nominal,
               outcome, marginal
        from measurements where run_id = ? order by step_index, ordinal""")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byStep.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(new MeasurementRecord(rs.getInt(2),
              rs.getString(3), rs.getObject(4, Double.class), rs.getString(5), rs.getString(6),
              rs.getObject(7, Double.class), rs.getObject(8, Double.class), rs.getString(9),
              rs.getObject(10, Double.class), rs.getString(11), rs.getObject(12, Boolean.class)));
        }
      }
    }
    List<StepRecord> steps = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select step_index, name, path, started_at, ended_at, outcome, error_code, error_message, attachments
        from steps where run_id = ? order by step_index""")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int index = rs.getInt(1);
          steps.add(new StepRecord(index, rs.getString(2), rs.getString(3), instant(rs, "started_at"),
              instant(rs, "ended_at"), rs.getString(6), rs.getString(7), rs.getString(8),
              byStep.getOrDefault(index, List.of()), json(rs.getString(9), ATTACHMENTS)));
        }
      }
    }
    return steps;
  }

  private static RunRecord.Verdict verdict(Connection c, UUID runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "select verdict, code, message, attempts, occurred_at from verdicts where run_id = ?")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new RunRecord.Verdict(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
            instant(rs, "occurred_at")) : null;
      }
    }
  }

  /** The first lines in capture order (chunk order), every stream merged, as the query API's log endpoint. */
  private List<RunRecord.LogEntry> log(Connection c, UUID runId) throws SQLException {
    List<RunRecord.LogEntry> lines = new ArrayList<>();
    if (maxLogLines == 0) {
      return lines;
    }
    try (PreparedStatement ps = c.prepareStatement("""
        select c.stream, c.first_line + l.n - 1, l.value ->> 'at', l.value ->> 'text',
               coalesce((l.value ->> 'partial')::boolean, false)
        from log_chunks c cross join lateral jsonb_array_elements(c.lines) with ordinality as l(value, n)
        where c.run_id = ? order by c.chunk, l.n limit ?""")) {
      ps.setObject(1, runId);
      ps.setInt(2, maxLogLines);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String at = rs.getString(3);
          lines.add(new RunRecord.LogEntry(at == null ? null : Instant.parse(at), rs.getString(1), rs.getLong(2),
              rs.getString(4), rs.getBoolean(5)));
        }
      }
    }
    return lines;
  }

  private static long logLines(Connection c, UUID runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "select coalesce(sum(line_count), 0) from log_chunks where run_id = ?")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static <T> List<T> json(String text, TypeReference<List<T>> type) {
    if (text == null) {
      return List.of();
    }
    try {
      List<T> values = JSON.readValue(text, type);
      return values == null ? List.of() : values;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException("stored JSON is not the expected shape: " + e.getOriginalMessage(), e);
    }
  }
}
