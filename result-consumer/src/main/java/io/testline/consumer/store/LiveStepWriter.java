package io.testline.consumer.store;

import static io.testline.consumer.store.SqlParams.setBool;
import static io.testline.consumer.store.SqlParams.setDouble;
import static io.testline.consumer.store.SqlParams.setTime;

import io.testline.schemas.Event;
import io.testline.schemas.Measurement;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Writes the steps (and their measurements) reported live by run.step, row by row, while their run has not
 * finished.
 */
final class LiveStepWriter {

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

  private LiveStepWriter() {}

  static void writeLiveSteps(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
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
}
