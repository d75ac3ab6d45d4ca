package io.testline.interop.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads stored runs from the result database (result-consumer's tables) into {@link RunRecord}s: the run, its steps
 * and measurements, its verdict and its log's first {@code maxLogLines} lines, all from one snapshot so a
 * concurrent {@code run.finished} is seen whole or not at all. Several runs are read together, one query per table
 * (and one per run for its log, which stops at the bound), so a window costs a few round trips per page of runs.
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
    List<RunRecord> one = loadAll(List.of(runId));
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  /** The stored runs among {@code runIds}, in their order; ids of runs not stored are left out. */
  public List<RunRecord> loadAll(List<UUID> runIds) throws SQLException {
    if (runIds.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        Array ids = c.createArrayOf("uuid", runIds.toArray());
        Map<UUID, List<StepRecord>> steps = steps(c, ids);
        Map<UUID, RunRecord.Verdict> verdicts = verdicts(c, ids);
        Map<UUID, Long> logLines = logLines(c, ids);
        Map<UUID, RunRecord> runs = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select * from runs where run_id = any(?)")) {
          ps.setArray(1, ids);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              UUID id = rs.getObject("run_id", UUID.class);
              long lines = logLines.getOrDefault(id, 0L);
              runs.put(id, run(rs, id, steps.getOrDefault(id, List.of()), verdicts.get(id),
                  lines == 0 ? List.of() : log(c, id), lines));
            }
          }
        }
        List<RunRecord> out = new ArrayList<>(runs.size());
        for (UUID id : runIds) {
          RunRecord r = runs.get(id);
          if (r != null) {
            out.add(r);
          }
        }
        return out;
      } finally {
        c.rollback();
      }
    }
  }

  private static RunRecord run(ResultSet rs, UUID runId, List<StepRecord> steps, RunRecord.Verdict verdict,
      List<RunRecord.LogEntry> log, long logLines) throws SQLException {
    return new RunRecord(runId, rs.getString("serial_number"), rs.getString("station_id"),
        json(rs.getString("units"), UNITS), rs.getString("part_number"), rs.getString("part_revision"),
        rs.getString("program_name"), rs.getString("program_version"), rs.getString("program_hash"),
        rs.getString("operator"), rs.getString("work_order"), rs.getInt("attempt"), rs.getString("test_method"),
        rs.getString("operation"), instant(rs, "started_at"), instant(rs, "ended_at"),
        rs.getObject("duration_ms", Long.class), rs.getBoolean("finished"), rs.getString("outcome"),
        rs.getObject("exit_code", Integer.class), rs.getString("signal"), rs.getString("error_code"),
        rs.getString("error_message"), rs.getString("failing_step"), steps, verdict, log, logLines);
  }

  private static Map<UUID, List<StepRecord>> steps(Connection c, Array ids) throws SQLException {
    Map<UUID, Map<Integer, List<MeasurementRecord>>> measurements = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select run_id, step_index, ordinal, name, value, text_value, unit, low_limit, high_limit, comparator,
               nominal, outcome, marginal
        from measurements where run_id = any(?) order by run_id, step_index, ordinal""")) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          measurements.computeIfAbsent(rs.getObject(1, UUID.class), k -> new HashMap<>())
              .computeIfAbsent(rs.getInt(2), k -> new ArrayList<>())
              .add(new MeasurementRecord(rs.getInt(3), rs.getString(4), rs.getObject(5, Double.class),
                  rs.getString(6), rs.getString(7), rs.getObject(8, Double.class), rs.getObject(9, Double.class),
                  rs.getString(10), rs.getObject(11, Double.class), rs.getString(12),
                  rs.getObject(13, Boolean.class)));
        }
      }
    }
    Map<UUID, List<StepRecord>> steps = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement("""
        select run_id, step_index, name, path, started_at, ended_at, outcome, error_code, error_message, attachments
        from steps where run_id = any(?) order by run_id, step_index""")) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID id = rs.getObject(1, UUID.class);
          int index = rs.getInt(2);
          steps.computeIfAbsent(id, k -> new ArrayList<>()).add(new StepRecord(index, rs.getString(3),
              rs.getString(4), instant(rs, "started_at"), instant(rs, "ended_at"), rs.getString(7),
              rs.getString(8), rs.getString(9), measurements.getOrDefault(id, Map.of()).getOrDefault(index, List.of()),
              json(rs.getString(10), ATTACHMENTS)));
        }
      }
    }
    return steps;
  }

  private static Map<UUID, RunRecord.Verdict> verdicts(Connection c, Array ids) throws SQLException {
    Map<UUID, RunRecord.Verdict> verdicts = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select run_id, verdict, code, message, attempts, occurred_at from verdicts where run_id = any(?)")) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          verdicts.put(rs.getObject(1, UUID.class), new RunRecord.Verdict(rs.getString(2), rs.getString(3),
              rs.getString(4), rs.getInt(5), instant(rs, "occurred_at")));
        }
      }
    }
    return verdicts;
  }

  private static Map<UUID, Long> logLines(Connection c, Array ids) throws SQLException {
    Map<UUID, Long> lines = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "select run_id, sum(line_count) from log_chunks where run_id = any(?) group by run_id")) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.put(rs.getObject(1, UUID.class), rs.getLong(2));
        }
      }
    }
    return lines;
  }

  /**
   * The run's first lines in capture order (chunk order), every stream merged, as the query API's log endpoint:
   * one query per run, so the bound stops the reading early however large the log.
   */
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
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("stored JSON is not the expected shape: " + e.getOriginalMessage(), e);
    }
  }
}
