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
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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

  /** The log size of a run without a log, typed as the query's sums are. */
  private static final Columns NO_LOG = Columns.of(new String[] {"chunks", "lines", "bytes"},
      new Object[] {0L, 0L, BigDecimal.ZERO});

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
    return loadStored(runId).map(StoredRun::record);
  }

  /** The stored runs among {@code runIds}, in their order; ids of runs not stored are left out. */
  public List<RunRecord> loadAll(List<UUID> runIds) throws SQLException {
    return loadAllStored(runIds).stream().map(StoredRun::record).toList();
  }

  /** The run with the rows it was read from, or empty when no run with this id is stored. */
  public Optional<StoredRun> loadStored(UUID runId) throws SQLException {
    List<StoredRun> one = loadAllStored(List.of(runId));
    return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
  }

  /** {@link #loadAll} with the rows each run was read from. */
  public List<StoredRun> loadAllStored(List<UUID> runIds) throws SQLException {
    if (runIds.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        Array ids = c.createArrayOf("uuid", runIds.toArray());
        Map<UUID, List<Columns>> steps = byRun(c, ids, """
            select run_id, step_index, name, path, started_at, ended_at, outcome, error_code, error_message,
                   attachments
            from steps where run_id = any(?) order by run_id, step_index""");
        Map<UUID, List<Columns>> measurements = byRun(c, ids, """
            select run_id, step_index, ordinal, name, value, text_value, unit, low_limit, high_limit, comparator,
                   nominal, outcome, marginal
            from measurements where run_id = any(?) order by run_id, step_index, ordinal""");
        Map<UUID, List<Columns>> verdicts = byRun(c, ids, """
            select run_id, verdict, code, message, attempts, latency_ms, shopfloor_reference, occurred_at
            from verdicts where run_id = any(?)""");
        Map<UUID, List<Columns>> logs = byRun(c, ids, """
            select run_id, count(*) as chunks, coalesce(sum(line_count), 0) as lines, coalesce(sum(bytes), 0) as bytes
            from log_chunks where run_id = any(?) group by run_id""");
        Map<UUID, StoredRun> runs = new HashMap<>();
        for (Map.Entry<UUID, List<Columns>> row
            : byRun(c, ids, "select run_id, * from runs where run_id = any(?)").entrySet()) {
          UUID id = row.getKey();
          Columns run = row.getValue().get(0);
          List<StoredRun.Step> runSteps = steps(steps.getOrDefault(id, List.of()),
              measurements.getOrDefault(id, List.of()));
          Columns verdict = verdicts.getOrDefault(id, List.of()).stream().findFirst().orElse(null);
          Columns log = logs.getOrDefault(id, List.of()).stream().findFirst().orElse(NO_LOG);
          long lines = log.longValue("lines");
          runs.put(id, new StoredRun(record(id, run, runSteps, verdict, lines == 0 ? List.of() : log(c, id), lines),
              run, runSteps, verdict, log));
        }
        List<StoredRun> out = new ArrayList<>(runs.size());
        for (UUID id : runIds) {
          StoredRun r = runs.get(id);
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

  /** The rows of {@code sql} (its first column the run id, left out of the row) by run, in the order read. */
  private static Map<UUID, List<Columns>> byRun(Connection c, Array ids, String sql) throws SQLException {
    Map<UUID, List<Columns>> rows = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(Columns.read(rs, 2));
        }
      }
    }
    return rows;
  }

  private static List<StoredRun.Step> steps(List<Columns> steps, List<Columns> measurements) {
    Map<Integer, List<Columns>> byStep = new HashMap<>();
    for (Columns m : measurements) {
      byStep.computeIfAbsent(m.integer("step_index"), k -> new ArrayList<>()).add(m);
    }
    return steps.stream()
        .map(s -> new StoredRun.Step(s, byStep.getOrDefault(s.integer("step_index"), List.of()))).toList();
  }

  private static RunRecord record(UUID runId, Columns r, List<StoredRun.Step> steps, Columns v,
      List<RunRecord.LogEntry> log, long logLines) {
    RunRecord.Verdict verdict = v == null ? null : new RunRecord.Verdict(v.text("verdict"), v.text("code"),
        v.text("message"), v.integer("attempts"), v.instant("occurred_at"));
    return new RunRecord(runId, r.text("serial_number"), r.text("station_id"), json(r.json("units"), UNITS),
        r.text("part_number"), r.text("part_revision"), r.text("program_name"), r.text("program_version"),
        r.text("program_hash"), r.text("operator"), r.text("work_order"), r.integer("attempt"),
        r.text("test_method"), r.text("operation"), r.instant("started_at"), r.instant("ended_at"),
        r.longValue("duration_ms"), r.bool("finished"), r.text("outcome"), r.integer("exit_code"), r.text("signal"),
        r.text("error_code"), r.text("error_message"), r.text("failing_step"),
        steps.stream().map(RunLoader::step).toList(), verdict, log, logLines);
  }

  private static StepRecord step(StoredRun.Step stored) {
    Columns s = stored.step();
    return new StepRecord(s.integer("step_index"), s.text("name"), s.text("path"), s.instant("started_at"),
        s.instant("ended_at"), s.text("outcome"), s.text("error_code"), s.text("error_message"),
        stored.measurements().stream().map(m -> new MeasurementRecord(m.integer("ordinal"), m.text("name"),
            m.number("value"), m.text("text_value"), m.text("unit"), m.number("low_limit"), m.number("high_limit"),
            m.text("comparator"), m.number("nominal"), m.text("outcome"), m.bool("marginal"))).toList(),
        json(s.json("attachments"), ATTACHMENTS));
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
