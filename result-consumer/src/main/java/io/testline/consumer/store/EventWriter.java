package io.testline.consumer.store;

import io.testline.schemas.Event;
import io.testline.schemas.LogLine;
import io.testline.schemas.Measurement;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.schemas.StationBirth;
import io.testline.schemas.StationDeath;
import io.testline.schemas.StationHeartbeat;
import io.testline.schemas.Step;
import io.testline.schemas.UnitUnderTest;
import io.testline.text.StorableText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Stores events in the result tables, idempotently, inside the caller's transaction.
 *
 * <p>Every event id is first recorded in {@code processed_events}; events already there are skipped, so a
 * redelivered batch is a no-op. Beyond that, every row is an upsert on its natural key, and the statements are
 * guarded so that arrival order does not matter: run.finished replaces a run's description, steps and
 * measurements; a run.started or run.step arriving after it changes nothing; a station's state and a run's verdict
 * only move forward in (occurredAt, seq, eventId) order; log chunks need no run row.
 *
 * <p>The bulk of a batch (finished runs with their steps and measurements, log chunks, verdicts) is written as one
 * {@code unnest} statement per table ({@link Columns}): one round trip and one parse per table and batch. The rarer
 * live statements stay batched row by row.
 *
 * <p>Stateless and thread-safe; the caller owns the connection and its transaction.
 */
public final class EventWriter {

  private static final String MARK_PROCESSED = """
      insert into processed_events (event_id, schema, station_id, kafka_topic, kafka_partition, kafka_offset)
      select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[])
      on conflict (event_id) do nothing
      returning event_id""";

  private static final String UPSERT_STARTED = """
      insert into runs (run_id, serial_number, station_id, units, part_number, part_revision, program_name,
                        program_version, program_hash, operator, work_order, attempt, test_method, operation,
                        started_at, originals)
      values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
      on conflict (run_id) do update set
        serial_number = excluded.serial_number, station_id = excluded.station_id, units = excluded.units,
        part_number = excluded.part_number, part_revision = excluded.part_revision,
        program_name = excluded.program_name, program_version = excluded.program_version,
        program_hash = excluded.program_hash, operator = excluded.operator, work_order = excluded.work_order,
        attempt = excluded.attempt, test_method = excluded.test_method, operation = excluded.operation,
        started_at = excluded.started_at, originals = excluded.originals
      where not runs.finished""";

  private static final String UPSERT_FINISHED = """
      insert into runs (run_id, serial_number, station_id, units, part_number, part_revision, program_name,
                        program_version, program_hash, operator, work_order, attempt, test_method, operation,
                        started_at, finished, ended_at, duration_ms, outcome, exit_code, signal, core_dumped,
                        error_code, error_message, failing_step, counts, log_summary, originals)
      select r.run_id, r.serial_number, r.station_id, r.units::jsonb, r.part_number, r.part_revision, r.program_name,
             r.program_version, r.program_hash, r.operator, r.work_order, r.attempt, r.test_method, r.operation,
             r.started_at::timestamptz, true, r.ended_at::timestamptz, r.duration_ms, r.outcome, r.exit_code, r.signal,
             r.core_dumped, r.error_code, r.error_message, r.failing_step, r.counts::jsonb, r.log_summary::jsonb,
             r.originals::jsonb
      from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[],
                  ?::int[], ?::text[], ?::bool[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
        as r(run_id, serial_number, station_id, units, part_number, part_revision, program_name, program_version,
             program_hash, operator, work_order, attempt, test_method, operation, started_at, ended_at, duration_ms,
             outcome, exit_code, signal, core_dumped, error_code, error_message, failing_step, counts, log_summary,
             originals)
      on conflict (run_id) do update set
        serial_number = excluded.serial_number, station_id = excluded.station_id, units = excluded.units,
        part_number = excluded.part_number, part_revision = excluded.part_revision,
        program_name = excluded.program_name, program_version = excluded.program_version,
        program_hash = excluded.program_hash, operator = excluded.operator, work_order = excluded.work_order,
        attempt = excluded.attempt, test_method = excluded.test_method, operation = excluded.operation,
        started_at = excluded.started_at, finished = true, ended_at = excluded.ended_at,
        duration_ms = excluded.duration_ms, outcome = excluded.outcome, exit_code = excluded.exit_code,
        signal = excluded.signal, core_dumped = excluded.core_dumped, error_code = excluded.error_code,
        error_message = excluded.error_message, failing_step = excluded.failing_step, counts = excluded.counts,
        log_summary = excluded.log_summary, originals = excluded.originals""";

  private static final Columns.Type[] FINISHED_COLUMNS = {
      Columns.Type.UUID, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.INT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TIME,
      Columns.Type.TIME, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.INT, Columns.Type.TEXT,
      Columns.Type.BOOL, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.TEXT};

  private static final String DELETE_STEPS_OF_RUNS = "delete from steps where run_id = any(?::uuid[])";
  private static final String DELETE_MEASUREMENTS_OF_RUNS = "delete from measurements where run_id = any(?::uuid[])";

  private static final String INSERT_STEPS = """
      insert into steps (run_id, step_index, name, path, started_at, ended_at, outcome, error_code, error_message,
                         attachments, originals)
      select s.run_id, s.step_index, s.name, s.path, s.started_at::timestamptz, s.ended_at::timestamptz, s.outcome,
             s.error_code, s.error_message, s.attachments::jsonb, s.originals::jsonb
      from unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[])
        as s(run_id, step_index, name, path, started_at, ended_at, outcome, error_code, error_message, attachments,
             originals)""";

  private static final Columns.Type[] STEP_COLUMNS = {
      Columns.Type.UUID, Columns.Type.INT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TIME,
      Columns.Type.TIME, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT};

  private static final String INSERT_MEASUREMENTS = """
      insert into measurements (run_id, step_index, ordinal, name, value, text_value, unit, low_limit, high_limit,
                                comparator, nominal, outcome, marginal, originals)
      select * from unnest(?::uuid[], ?::int[], ?::int[], ?::text[], ?::float8[], ?::text[], ?::text[], ?::float8[],
                           ?::float8[], ?::text[], ?::float8[], ?::text[], ?::bool[], ?::text[]::jsonb[])""";

  private static final Columns.Type[] MEASUREMENT_COLUMNS = {
      Columns.Type.UUID, Columns.Type.INT, Columns.Type.INT, Columns.Type.TEXT, Columns.Type.DOUBLE,
      Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.DOUBLE, Columns.Type.DOUBLE, Columns.Type.TEXT,
      Columns.Type.DOUBLE, Columns.Type.TEXT, Columns.Type.BOOL, Columns.Type.TEXT};

  /** A live step counts only while its run has not finished: run.finished is the authoritative record. */
  private static final String UPSERT_LIVE_STEP = """
      insert into steps (run_id, step_index, name, path, started_at, ended_at, outcome, error_code, error_message,
                         attachments, originals)
      select ?::uuid, ?::int, ?::text, ?::text, ?::timestamptz, ?::timestamptz, ?::text, ?::text, ?::text, ?::jsonb,
             ?::jsonb
      where not exists (select 1 from runs r where r.run_id = ?::uuid and r.finished)
      on conflict (run_id, step_index) do update set
        name = excluded.name, path = excluded.path, started_at = excluded.started_at, ended_at = excluded.ended_at,
        outcome = excluded.outcome, error_code = excluded.error_code, error_message = excluded.error_message,
        attachments = excluded.attachments, originals = excluded.originals""";

  private static final String DELETE_LIVE_MEASUREMENTS = """
      delete from measurements m where m.run_id = ?::uuid and m.step_index = ?::int
        and not exists (select 1 from runs r where r.run_id = ?::uuid and r.finished)""";

  private static final String INSERT_LIVE_MEASUREMENT = """
      insert into measurements (run_id, step_index, ordinal, name, value, text_value, unit, low_limit, high_limit,
                                comparator, nominal, outcome, marginal, originals)
      select ?::uuid, ?::int, ?::int, ?::text, ?::float8, ?::text, ?::text, ?::float8, ?::float8, ?::text,
             ?::float8, ?::text, ?::boolean, ?::jsonb
      where not exists (select 1 from runs r where r.run_id = ?::uuid and r.finished)""";

  private static final String INSERT_LOG_CHUNKS = """
      insert into log_chunks (run_id, chunk, serial_number, station_id, stream, first_line, line_count, bytes, lines,
                              originals)
      select l.run_id, l.chunk, l.serial_number, l.station_id, l.stream, l.first_line, l.line_count, l.bytes,
             l.lines::jsonb, l.originals::jsonb
      from unnest(?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::int[], ?::bigint[],
                  ?::text[], ?::text[])
        as l(run_id, chunk, serial_number, station_id, stream, first_line, line_count, bytes, lines, originals)
      on conflict (run_id, chunk) do nothing""";

  private static final Columns.Type[] LOG_COLUMNS = {
      Columns.Type.UUID, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.BIGINT, Columns.Type.INT, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.TEXT};

  private static final String UPSERT_VERDICTS = """
      insert into verdicts (run_id, serial_number, station_id, verdict, code, message, attempts, latency_ms,
                            shopfloor_reference, occurred_at, event_id, originals)
      select v.run_id, v.serial_number, v.station_id, v.verdict, v.code, v.message, v.attempts, v.latency_ms,
             v.shopfloor_reference, v.occurred_at::timestamptz, v.event_id, v.originals::jsonb
      from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[], ?::text[],
                  ?::text[], ?::uuid[], ?::text[])
        as v(run_id, serial_number, station_id, verdict, code, message, attempts, latency_ms, shopfloor_reference,
             occurred_at, event_id, originals)
      on conflict (run_id) do update set
        serial_number = excluded.serial_number, station_id = excluded.station_id, verdict = excluded.verdict,
        code = excluded.code, message = excluded.message, attempts = excluded.attempts,
        latency_ms = excluded.latency_ms, shopfloor_reference = excluded.shopfloor_reference,
        occurred_at = excluded.occurred_at, event_id = excluded.event_id, originals = excluded.originals
      where (excluded.occurred_at, excluded.event_id) > (verdicts.occurred_at, verdicts.event_id)""";

  private static final Columns.Type[] VERDICT_COLUMNS = {
      Columns.Type.UUID, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.INT, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.TIME,
      Columns.Type.UUID, Columns.Type.TEXT};

  /**
   * One statement for birth, death and heartbeat. Each column group moves forward only when the event is newer
   * than the one that set it. Written as INSERT ... SELECT on purpose: the driver does not merge it into a
   * multi-row statement, so several events of one station in a batch apply one after the other.
   */
  private static final String UPSERT_STATION = """
      insert into stations as s (station_id, state, state_at, state_seq, state_event_id, agent_session,
                            agent_version, config_hash, site, line, hostname, os, labels, birth_at,
                            death_at, death_graceful, death_reason, heartbeat_at, heartbeat, birth_originals,
                            death_originals, heartbeat_originals)
      select ?::text, ?::text, ?::timestamptz, ?::bigint, ?::uuid, ?::uuid,
             ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::jsonb, ?::timestamptz,
             ?::timestamptz, ?::boolean, ?::text, ?::timestamptz, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb
      on conflict (station_id) do update set
        state = case when (excluded.state_at, excluded.state_seq, excluded.state_event_id)
                          > (s.state_at, s.state_seq, s.state_event_id) then excluded.state else s.state end,
        agent_session = case when (excluded.state_at, excluded.state_seq, excluded.state_event_id)
                          > (s.state_at, s.state_seq, s.state_event_id) then excluded.agent_session
                          else s.agent_session end,
        state_seq = case when (excluded.state_at, excluded.state_seq, excluded.state_event_id)
                          > (s.state_at, s.state_seq, s.state_event_id) then excluded.state_seq else s.state_seq end,
        state_event_id = case when (excluded.state_at, excluded.state_seq, excluded.state_event_id)
                          > (s.state_at, s.state_seq, s.state_event_id) then excluded.state_event_id
                          else s.state_event_id end,
        state_at = greatest(excluded.state_at, s.state_at),
        agent_version = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.agent_version else s.agent_version end,
        config_hash = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.config_hash else s.config_hash end,
        site = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.site else s.site end,
        line = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.line else s.line end,
        hostname = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.hostname else s.hostname end,
        os = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.os else s.os end,
        labels = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.labels else s.labels end,
        birth_originals = case when excluded.birth_at >= s.birth_at
                          or s.birth_at is null and excluded.birth_at is not null
                          then excluded.birth_originals else s.birth_originals end,
        birth_at = greatest(excluded.birth_at, s.birth_at),
        death_graceful = case when excluded.death_at >= s.death_at or s.death_at is null and excluded.death_at is not null
                          then excluded.death_graceful else s.death_graceful end,
        death_reason = case when excluded.death_at >= s.death_at or s.death_at is null and excluded.death_at is not null
                          then excluded.death_reason else s.death_reason end,
        death_originals = case when excluded.death_at >= s.death_at
                          or s.death_at is null and excluded.death_at is not null
                          then excluded.death_originals else s.death_originals end,
        death_at = greatest(excluded.death_at, s.death_at),
        heartbeat = case when excluded.heartbeat_at >= s.heartbeat_at
                          or s.heartbeat_at is null and excluded.heartbeat_at is not null
                          then excluded.heartbeat else s.heartbeat end,
        heartbeat_originals = case when excluded.heartbeat_at >= s.heartbeat_at
                          or s.heartbeat_at is null and excluded.heartbeat_at is not null
                          then excluded.heartbeat_originals else s.heartbeat_originals end,
        heartbeat_at = greatest(excluded.heartbeat_at, s.heartbeat_at)""";

  /**
   * Stores {@code events} in the connection's current transaction; the caller commits.
   *
   * @throws SQLException as the driver reports it; the caller classifies it and rolls back
   * @throws UnstorableEventException for an event that can never be stored
   */
  public WriteStats write(Connection connection, List<StoredEvent> events) throws SQLException {
    WriteStats stats = new WriteStats();
    if (events.isEmpty()) {
      return stats;
    }
    List<Event<?>> fresh = markProcessed(connection, events);
    stats.applied(fresh.size());
    stats.duplicates(events.size() - fresh.size());
    stats.rows("processed_events", fresh.size());
    if (fresh.isEmpty()) {
      return stats;
    }
    WritePlan plan = WritePlan.of(fresh);
    writeStarted(connection, plan, stats);
    writeFinished(connection, plan, stats);
    writeLiveSteps(connection, plan, stats);
    writeLogs(connection, plan, stats);
    writeVerdicts(connection, plan, stats);
    writeStations(connection, plan, stats);
    return stats;
  }

  /** Records the batch's event ids and returns the events not seen before, first occurrence only, in order. */
  private static List<Event<?>> markProcessed(Connection c, List<StoredEvent> events) throws SQLException {
    int n = events.size();
    UUID[] ids = new UUID[n];
    String[] schemas = new String[n];
    String[] stations = new String[n];
    String[] topics = new String[n];
    Integer[] partitions = new Integer[n];
    Long[] offsets = new Long[n];
    for (int i = 0; i < n; i++) {
      StoredEvent e = events.get(i);
      ids[i] = e.event().eventId();
      schemas[i] = e.event().schema();
      stations[i] = StorableText.readable(e.event().stationId());
      topics[i] = e.topic();
      partitions[i] = e.partition();
      offsets[i] = e.offset();
    }
    Set<UUID> inserted = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(MARK_PROCESSED)) {
      ps.setArray(1, c.createArrayOf("uuid", ids));
      ps.setArray(2, c.createArrayOf("text", schemas));
      ps.setArray(3, c.createArrayOf("text", stations));
      ps.setArray(4, c.createArrayOf("text", topics));
      ps.setArray(5, c.createArrayOf("int4", partitions));
      ps.setArray(6, c.createArrayOf("int8", offsets));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.add(rs.getObject(1, UUID.class));
        }
      }
    }
    List<Event<?>> fresh = new ArrayList<>(inserted.size());
    for (StoredEvent e : events) {
      if (inserted.remove(e.event().eventId())) {
        fresh.add(e.event());
      }
    }
    return fresh;
  }

  private static void writeStarted(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.started.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(UPSERT_STARTED)) {
      for (Event<RunStarted> e : plan.started.values()) {
        RunStarted r = e.data();
        Originals o = new Originals();
        int i = setDescription(ps, o, r.runId(), r.serialNumber(), e.stationId(), r.units(), r.partNumber(),
            r.partRevision(), r.program(), r.operator(), r.workOrder(), r.attempt(), r.testMethod(), r.operation());
        setTime(ps, i++, e.occurredAt());
        ps.setString(i, o.toJson());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    stats.rows("runs", plan.started.size());
  }

  /**
   * Sets the run's description, the first 14 parameters of both run upserts (run.started and run.finished carry the
   * same description); returns the index of the next parameter.
   */
  private static int setDescription(PreparedStatement ps, Originals o, UUID runId, String serialNumber,
      String stationId, List<UnitUnderTest> units, String partNumber, String partRevision, Program program,
      String operator, String workOrder, int attempt, String testMethod, String operation) throws SQLException {
    int i = 1;
    ps.setObject(i++, runId);
    ps.setString(i++, o.text("serial_number", serialNumber));
    ps.setString(i++, o.text("station_id", stationId));
    ps.setString(i++, o.json("units", units));
    ps.setString(i++, o.text("part_number", partNumber));
    ps.setString(i++, o.text("part_revision", partRevision));
    ps.setString(i++, o.text("program_name", program.name()));
    ps.setString(i++, o.text("program_version", program.version()));
    ps.setString(i++, o.text("program_hash", program.hash()));
    ps.setString(i++, o.text("operator", operator));
    ps.setString(i++, o.text("work_order", workOrder));
    ps.setInt(i++, attempt);
    ps.setString(i++, o.text("test_method", testMethod));
    ps.setString(i++, o.text("operation", operation));
    return i;
  }

  private static void writeFinished(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.finished.isEmpty()) {
      return;
    }
    Columns runs = new Columns(FINISHED_COLUMNS);
    Columns steps = new Columns(STEP_COLUMNS);
    Columns measurements = new Columns(MEASUREMENT_COLUMNS);
    for (Event<RunFinished> e : plan.finished.values()) {
      RunFinished r = e.data();
      Program p = r.program();
      Originals o = new Originals();
      runs.row(r.runId(), o.text("serial_number", r.serialNumber()), o.text("station_id", e.stationId()),
          o.json("units", r.units()), o.text("part_number", r.partNumber()),
          o.text("part_revision", r.partRevision()), o.text("program_name", p.name()),
          o.text("program_version", p.version()), o.text("program_hash", p.hash()), o.text("operator", r.operator()),
          o.text("work_order", r.workOrder()), r.attempt(), o.text("test_method", r.testMethod()),
          o.text("operation", r.operation()), r.startedAt(), r.endedAt(), r.durationMs(), r.outcome().name(),
          r.exitCode(), o.text("signal", r.signal()), r.coreDumped(), o.text("error_code", r.errorCode()),
          o.text("error_message", r.errorMessage()), o.text("failing_step", r.failingStep()),
          o.json("counts", r.counts()), o.json("log_summary", r.log()), o.toJson());
      List<Step> runSteps = r.steps();
      for (int position = 0; position < runSteps.size(); position++) {
        Step step = runSteps.get(position);
        // the agent always numbers steps; a position in the authoritative list is the stable fallback
        int index = step.index() != null ? step.index() : position;
        Originals so = new Originals();
        steps.row(r.runId(), index, so.text("name", step.name()), so.text("path", step.path()), step.startedAt(),
            step.endedAt(), step.outcome().name(), so.text("error_code", step.errorCode()),
            so.text("error_message", step.errorMessage()), so.json("attachments", step.attachments()),
            so.toJson());
        List<Measurement> ms = step.measurements() == null ? List.of() : step.measurements();
        for (int ordinal = 0; ordinal < ms.size(); ordinal++) {
          Measurement m = ms.get(ordinal);
          Originals mo = new Originals();
          measurements.row(r.runId(), index, ordinal, mo.text("name", m.name()), m.value(),
              mo.text("text_value", m.text()), mo.text("unit", m.unit()), m.lowLimit(), m.highLimit(),
              m.comparator() == null ? null : m.comparator().name(), m.nominal(), m.outcome().name(), m.marginal(),
              mo.toJson());
        }
      }
    }
    runs.execute(c, UPSERT_FINISHED);
    stats.rows("runs", plan.finished.size());
    UUID[] runIds = plan.finished.keySet().toArray(new UUID[0]);
    for (String delete : List.of(DELETE_STEPS_OF_RUNS, DELETE_MEASUREMENTS_OF_RUNS)) {
      try (PreparedStatement ps = c.prepareStatement(delete)) {
        ps.setArray(1, c.createArrayOf("uuid", runIds));
        ps.executeUpdate();
      }
    }
    if (steps.size() > 0) {
      steps.execute(c, INSERT_STEPS);
    }
    if (measurements.size() > 0) {
      measurements.execute(c, INSERT_MEASUREMENTS);
    }
    stats.rows("steps", steps.size());
    stats.rows("measurements", measurements.size());
  }

  private static void writeLiveSteps(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.steps.isEmpty()) {
      return;
    }
    int measurements = 0;
    try (PreparedStatement stepPs = c.prepareStatement(UPSERT_LIVE_STEP);
         PreparedStatement delPs = c.prepareStatement(DELETE_LIVE_MEASUREMENTS);
         PreparedStatement mPs = c.prepareStatement(INSERT_LIVE_MEASUREMENT)) {
      for (Event<RunStep> e : plan.steps.values()) {
        UUID runId = e.data().runId();
        Step step = e.data().step();
        int index = step.index();
        int next = bindStep(stepPs, 1, runId, index, step);
        stepPs.setObject(next, runId);
        stepPs.addBatch();
        delPs.setObject(1, runId);
        delPs.setInt(2, index);
        delPs.setObject(3, runId);
        delPs.addBatch();
        List<Measurement> ms = step.measurements() == null ? List.of() : step.measurements();
        for (int ordinal = 0; ordinal < ms.size(); ordinal++) {
          int after = bindMeasurement(mPs, 1, runId, index, ordinal, ms.get(ordinal));
          mPs.setObject(after, runId);
          mPs.addBatch();
          measurements++;
        }
      }
      stepPs.executeBatch();
      delPs.executeBatch();
      if (measurements > 0) {
        mPs.executeBatch();
      }
    }
    stats.rows("steps", plan.steps.size());
    stats.rows("measurements", measurements);
  }

  private static void writeLogs(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.logs.isEmpty()) {
      return;
    }
    Columns logs = new Columns(LOG_COLUMNS);
    for (Event<RunLog> e : plan.logs.values()) {
      RunLog l = e.data();
      Originals o = new Originals();
      logs.row(l.runId(), l.chunk(), o.text("serial_number", l.serialNumber()), o.text("station_id", e.stationId()),
          l.stream().name(), l.firstLine(), l.lines().size(), l.bytes(), o.json("lines", storableLines(l.lines())),
          o.toJson());
    }
    logs.execute(c, INSERT_LOG_CHUNKS);
    stats.rows("log_chunks", plan.logs.size());
  }

  private static void writeVerdicts(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.verdicts.isEmpty()) {
      return;
    }
    Columns verdicts = new Columns(VERDICT_COLUMNS);
    for (Event<ShopfloorVerdict> e : plan.verdicts.values()) {
      ShopfloorVerdict v = e.data();
      Originals o = new Originals();
      verdicts.row(v.runId(), o.text("serial_number", v.serialNumber()), o.text("station_id", e.stationId()),
          v.verdict().name(), o.text("code", v.code()), o.text("message", v.message()), v.attempts(), v.latencyMs(),
          o.text("shopfloor_reference", v.shopfloorReference()), e.occurredAt(), e.eventId(), o.toJson());
    }
    verdicts.execute(c, UPSERT_VERDICTS);
    stats.rows("verdicts", plan.verdicts.size());
  }

  private static void writeStations(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.stationEvents.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(UPSERT_STATION)) {
      for (Event<?> e : plan.stationEvents) {
        StationBirth birth = e.data() instanceof StationBirth b ? b : null;
        StationDeath death = e.data() instanceof StationDeath d ? d : null;
        StationHeartbeat heartbeat = e.data() instanceof StationHeartbeat h ? h : null;
        // each column group keeps the originals of its own values (and of the station id it came with)
        Originals bo = new Originals();
        Originals d = new Originals();
        Originals ho = new Originals();
        Originals own = birth != null ? bo : death != null ? d : ho;
        int i = 1;
        ps.setString(i++, own.text("station_id", e.stationId()));
        ps.setString(i++, death != null ? "OFFLINE" : "ONLINE");
        setTime(ps, i++, e.occurredAt());
        ps.setLong(i++, e.seq());
        ps.setObject(i++, e.eventId());
        ps.setObject(i++, e.agentSession());
        ps.setString(i++, birth == null ? null : bo.text("agent_version", birth.agentVersion()));
        ps.setString(i++, birth == null ? null : bo.text("config_hash", birth.configHash()));
        ps.setString(i++, birth == null ? null : bo.text("site", birth.site()));
        ps.setString(i++, birth == null ? null : bo.text("line", birth.line()));
        ps.setString(i++, birth == null ? null : bo.text("hostname", birth.hostname()));
        ps.setString(i++, birth == null ? null : bo.text("os", birth.os()));
        ps.setString(i++, birth == null ? null : bo.json("labels", birth.labels()));
        setTime(ps, i++, birth == null ? null : e.occurredAt());
        setTime(ps, i++, death == null ? null : e.occurredAt());
        setBool(ps, i++, death == null ? null : death.graceful());
        ps.setString(i++, death == null ? null : d.text("death_reason", death.reason()));
        setTime(ps, i++, heartbeat == null ? null : e.occurredAt());
        ps.setString(i++, heartbeat == null ? null : ho.json("heartbeat", heartbeat));
        ps.setString(i++, bo.toJson());
        ps.setString(i++, d.toJson());
        ps.setString(i, ho.toJson());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    stats.rows("stations", plan.stationEvents.size());
  }

  private static int bindStep(PreparedStatement ps, int i, UUID runId, int index, Step step) throws SQLException {
    Originals o = new Originals();
    ps.setObject(i++, runId);
    ps.setInt(i++, index);
    ps.setString(i++, o.text("name", step.name()));
    ps.setString(i++, o.text("path", step.path()));
    setTime(ps, i++, step.startedAt());
    setTime(ps, i++, step.endedAt());
    ps.setString(i++, step.outcome().name());
    ps.setString(i++, o.text("error_code", step.errorCode()));
    ps.setString(i++, o.text("error_message", step.errorMessage()));
    ps.setString(i++, o.json("attachments", step.attachments()));
    ps.setString(i++, o.toJson());
    return i;
  }

  private static int bindMeasurement(PreparedStatement ps, int i, UUID runId, int index, int ordinal, Measurement m)
      throws SQLException {
    Originals o = new Originals();
    ps.setObject(i++, runId);
    ps.setInt(i++, index);
    ps.setInt(i++, ordinal);
    ps.setString(i++, o.text("name", m.name()));
    setDouble(ps, i++, m.value());
    ps.setString(i++, o.text("text_value", m.text()));
    ps.setString(i++, o.text("unit", m.unit()));
    setDouble(ps, i++, m.lowLimit());
    setDouble(ps, i++, m.highLimit());
    ps.setString(i++, m.comparator() == null ? null : m.comparator().name());
    setDouble(ps, i++, m.nominal());
    ps.setString(i++, m.outcome().name());
    setBool(ps, i++, m.marginal());
    ps.setString(i++, o.toJson());
    return i;
  }

  private static void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }
  }

  private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  private static void setBool(PreparedStatement ps, int i, Boolean v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BOOLEAN);
    } else {
      ps.setBoolean(i, v);
    }
  }

  /**
   * The lines as stored: a line PostgreSQL cannot hold keeps its readable form in {@code text} and its exact bytes
   * in {@code base64}, as a line of invalid UTF-8 already does (when it has one, that one stays: it is the program's
   * own bytes).
   */
  private static List<LogLine> storableLines(List<LogLine> lines) {
    List<LogLine> out = null;
    for (int i = 0; i < lines.size(); i++) {
      LogLine line = lines.get(i);
      if (!StorableText.isStorable(line.text())) {
        if (out == null) {
          out = new ArrayList<>(lines);
        }
        String base64 = line.base64() != null ? line.base64() : StorableText.exactBase64(line.text());
        out.set(i, new LogLine(line.at(), StorableText.readable(line.text()), base64, line.partial()));
      }
    }
    return out == null ? lines : out;
  }
}
