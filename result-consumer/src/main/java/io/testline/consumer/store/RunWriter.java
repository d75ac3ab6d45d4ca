package io.testline.consumer.store;

import static io.testline.consumer.store.SqlParams.setTime;

import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import io.testline.schemas.Event;
import io.testline.schemas.Measurement;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import io.testline.schemas.Step;
import io.testline.schemas.UnitUnderTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Writes runs: run.started as a guarded upsert that never touches a finished run, and run.finished as the
 * authoritative record that replaces the run's description, steps and measurements, one {@code unnest} statement
 * per table.
 */
final class RunWriter {

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
                        error_code, error_message, failing_step, counts, log_summary, crash_kind, crash_site,
                        crash_file, crash_line, crash_function, crash_reason, crash_traceback, crash_core_file,
                        crash_minidump_file, crash_uploaded, originals)
      select r.run_id, r.serial_number, r.station_id, r.units::jsonb, r.part_number, r.part_revision, r.program_name,
             r.program_version, r.program_hash, r.operator, r.work_order, r.attempt, r.test_method, r.operation,
             r.started_at::timestamptz, true, r.ended_at::timestamptz, r.duration_ms, r.outcome, r.exit_code, r.signal,
             r.core_dumped, r.error_code, r.error_message, r.failing_step, r.counts::jsonb, r.log_summary::jsonb,
             r.crash_kind, r.crash_site, r.crash_file, r.crash_line, r.crash_function, r.crash_reason,
             r.crash_traceback, r.crash_core_file, r.crash_minidump_file, r.crash_uploaded::jsonb, r.originals::jsonb
      from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[],
                  ?::int[], ?::text[], ?::bool[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                  ?::text[], ?::text[])
        as r(run_id, serial_number, station_id, units, part_number, part_revision, program_name, program_version,
             program_hash, operator, work_order, attempt, test_method, operation, started_at, ended_at, duration_ms,
             outcome, exit_code, signal, core_dumped, error_code, error_message, failing_step, counts, log_summary,
             crash_kind, crash_site, crash_file, crash_line, crash_function, crash_reason, crash_traceback,
             crash_core_file, crash_minidump_file, crash_uploaded, originals)
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
        log_summary = excluded.log_summary, originals = excluded.originals, crash_kind = excluded.crash_kind,
        crash_site = excluded.crash_site, crash_file = excluded.crash_file, crash_line = excluded.crash_line,
        crash_function = excluded.crash_function, crash_reason = excluded.crash_reason,
        crash_traceback = excluded.crash_traceback, crash_core_file = excluded.crash_core_file,
        crash_minidump_file = excluded.crash_minidump_file, crash_uploaded = excluded.crash_uploaded""";

  private static final Columns.Type[] FINISHED_COLUMNS = {
      Columns.Type.UUID, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.INT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TIME,
      Columns.Type.TIME, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.INT, Columns.Type.TEXT,
      Columns.Type.BOOL, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT,
      // the crash section, then the originals
      Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.INT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT};

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

  private RunWriter() {}

  static void writeStarted(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
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

  /** The kind as the contract writes it, e.g. {@code python-traceback}. */
  static String kindName(CrashKind kind) {
    return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static void writeFinished(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
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
      Crash crash = r.crash() == null ? Crash.none(null) : r.crash();
      CrashSite site = crash.site() == null ? new CrashSite(null, null, null) : crash.site();
      runs.row(r.runId(), o.text("serial_number", r.serialNumber()), o.text("station_id", e.stationId()),
          o.json("units", r.units()), o.text("part_number", r.partNumber()),
          o.text("part_revision", r.partRevision()), o.text("program_name", p.name()),
          o.text("program_version", p.version()), o.text("program_hash", p.hash()), o.text("operator", r.operator()),
          o.text("work_order", r.workOrder()), r.attempt(), o.text("test_method", r.testMethod()),
          o.text("operation", r.operation()), r.startedAt(), r.endedAt(), r.durationMs(), r.outcome().name(),
          r.exitCode(), o.text("signal", r.signal()), r.coreDumped(), o.text("error_code", r.errorCode()),
          o.text("error_message", r.errorMessage()), o.text("failing_step", r.failingStep()),
          o.json("counts", r.counts()), o.json("log_summary", r.log()),
          o.text("crash_kind", r.crash() == null ? null : kindName(crash.kind())),
          o.text("crash_site", crash.site() == null ? null : site.key()), o.text("crash_file", site.file()),
          site.line(), o.text("crash_function", site.function()), o.text("crash_reason", crash.reason()),
          o.text("crash_traceback", crash.traceback()), o.text("crash_core_file", crash.coreFile()),
          o.text("crash_minidump_file", crash.minidumpFile()), o.json("crash_uploaded", crash.uploaded()), o.toJson());
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
}
