package io.testline.consumer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web's derived tables (migrations V24, V25) as the writer keeps them: equal to what the source rows say, however
 * often and in whatever order the events arrive.
 */
@ExtendWith(RealBrokers.class)
class DerivedTablesIT {
  /** unit_yield as the migration's backfill computes it from runs. */
  private static final String UNIT_YIELD_FROM_RUNS = """
      select serial_number, coalesce(operation, '') as operation,
             (array_agg(run_id order by started_at, run_id))[1] as first_run_id, min(started_at) as first_started_at,
             (array_agg(station_id order by started_at, run_id))[1] as first_station_id,
             (array_agg(outcome order by started_at, run_id))[1] as first_outcome,
             (array_agg(outcome order by started_at desc, run_id desc))[1] as last_outcome, count(*)::int as runs
      from runs where finished group by 1, 2""";
  private static final String UNIT_YIELD = """
      select serial_number, operation, first_run_id, first_started_at, first_station_id, first_outcome, last_outcome,
             runs from unit_yield""";
  /** measurement_points as the migration's backfill computes it from measurements, steps and runs. */
  private static final String POINTS_FROM_SOURCE = """
      select m.run_id, m.step_index, m.ordinal, r.operation, coalesce(s.path, s.name), m.name, r.started_at,
             r.station_id, m.value, m.unit, m.low_limit, m.high_limit
      from measurements m join steps s using (run_id, step_index) join runs r using (run_id)
      where m.value > '-Infinity'::float8 and m.value < 'Infinity'::float8""";
  private static final String POINTS = """
      select run_id, step_index, ordinal, operation, step, name, started_at, station_id, value, unit, low_limit,
             high_limit from measurement_points""";

  private final Batches batches = new Batches();

  @Test
  void redelivered_reemitted_late_and_moved_runs_keep_each_units_yield_exact(Database db) throws Exception {
    Batches.migrate(db);
    // 14 units, the first 3 retested; units 0 and 7 fail first (RunFixture), so they pass finally
    List<Run> runs = RunFixture.runs(14, 3);
    // the retests arrive first, then the first runs, newest first
    List<Run> arrival = new ArrayList<>(runs);
    Collections.reverse(arrival);
    for (Run run : arrival) {
      write(db, run.events());
    }
    List<String> expected = table(db, UNIT_YIELD_FROM_RUNS);
    assertThat(table(db, UNIT_YIELD)).isEqualTo(expected);
    assertThat(Env.count(db, "select count(*) from unit_yield")).isEqualTo(14);
    assertThat(Env.count(db, "select sum(runs) from unit_yield")).isEqualTo(17);
    assertThat(Env.count(db, "select count(*) from unit_yield where serial_number = 'SN00000'"
        + " and first_outcome = 'FAIL' and last_outcome = 'PASS' and runs = 2")).isEqualTo(1);

    // the same events again (a redelivered batch), then every run.finished again under new event ids
    write(db, runs.stream().flatMap(r -> r.events().stream()).toList());
    List<Event<?>> reemitted = new ArrayList<>();
    for (Run run : runs) {
      Event<?> f = run.events().get(3);
      reemitted.add(new Event<>(f.schema(), UUID.randomUUID(), f.stationId(), f.agentSession(), f.seq(),
          f.occurredAt(), f.data()));
    }
    write(db, reemitted);
    write(db, reemitted.subList(0, 1));

    assertThat(table(db, UNIT_YIELD)).isEqualTo(expected);
    assertThat(Env.count(db, "select sum(runs) from unit_yield")).isEqualTo(17);

    // a run.finished re-emitted under another serial moves the run: its old unit loses it, the new one has it
    RunFinished retest = (RunFinished) runs.get(14).events().get(3).data();
    RunFinished moved = new RunFinished(retest.runId(), "SN-MOVED", retest.units(), retest.partNumber(),
        retest.partRevision(), retest.program(), retest.operator(), retest.workOrder(), retest.attempt(),
        retest.testMethod(), retest.operation(), retest.startedAt(), retest.endedAt(), retest.durationMs(),
        retest.outcome(), retest.exitCode(), retest.signal(), retest.coreDumped(), retest.errorCode(),
        retest.errorMessage(), retest.failingStep(), retest.counts(), retest.log(), retest.steps(), retest.crash());
    Event<?> f = runs.get(14).events().get(3);
    write(db, List.of(Event.of(f.stationId(), f.agentSession(), f.seq() + 1, f.occurredAt(), moved)));
    assertThat(table(db, UNIT_YIELD)).isEqualTo(table(db, UNIT_YIELD_FROM_RUNS));
    assertThat(Env.count(db, "select runs from unit_yield where serial_number = 'SN00000'")).isEqualTo(1);
    assertThat(Env.count(db, "select runs from unit_yield where serial_number = 'SN-MOVED'")).isEqualTo(1);
    assertThat(Env.count(db, "select sum(runs) from unit_yield")).isEqualTo(17);
  }

  @Test
  void measurement_points_equal_the_source_rows_live_finished_and_redelivered(Database db) throws Exception {
    Batches.migrate(db);
    List<Run> runs = RunFixture.runs(4, 1);
    Run live = runs.get(0);
    // a live step before its run.started: no run row yet, so no point
    write(db, List.of(live.events().get(2)));
    assertThat(Env.count(db, "select count(*) from measurement_points")).isZero();
    // the run.started brings the step's measurements in as points, with the run's start and station
    write(db, List.of(live.events().get(0)));
    assertThat(Env.count(db, "select count(*) from measurement_points")).isEqualTo(2);
    assertThat(table(db, POINTS)).isEqualTo(table(db, POINTS_FROM_SOURCE));

    for (Run run : runs) {
      write(db, run.events());
    }
    write(db, runs.stream().flatMap(r -> r.events().stream()).toList());

    // 5 runs, each one step with two finite values
    assertThat(Env.count(db, "select count(*) from measurement_points")).isEqualTo(10);
    assertThat(Env.count(db, "select count(*) from measurement_points where step = '" + RunFixture.FAILING_STEP
        + "' and name = 'v_5v0' and operation = 'OP40' and unit = 'V' and low_limit = 4.75")).isEqualTo(5);
    assertThat(table(db, POINTS)).isEqualTo(table(db, POINTS_FROM_SOURCE));
  }

  /** Every row of {@code sql} as text, sorted: two equal lists are equal tables. */
  private static List<String> table(Database db, String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("select x::text from (" + sql + ") x order by 1")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    assertThat(rows).as(sql).isNotEmpty();
    return rows;
  }

  private void write(Database db, List<Event<?>> events) throws Exception {
    batches.write(db, events);
  }

}
