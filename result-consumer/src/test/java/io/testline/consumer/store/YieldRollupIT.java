package io.testline.consumer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The yield page's rollups (migration V27) as the writer keeps them: {@code unit_yield_hourly} and
 * {@code run_failures} equal to a direct count over the runs and steps stored, with runs over several hours, retests
 * arriving later, a redelivered batch, re-emitted events and an earlier run arriving last.
 */
@ExtendWith(RealBrokers.class)
class YieldRollupIT {
  /** The hourly rollup counted directly from runs: each unit once, in the hour, station and operation of its first run. */
  private static final String HOURLY_FROM_RUNS = """
      with u as (
        select (array_agg(started_at order by started_at, run_id))[1] as first_at,
               (array_agg(station_id order by started_at, run_id))[1] as station_id, coalesce(operation, '') as op,
               (array_agg(outcome order by started_at, run_id))[1] as first_outcome,
               (array_agg(outcome order by started_at desc, run_id desc))[1] as last_outcome, count(*) as n
        from runs where finished group by serial_number, coalesce(operation, ''))
      select date_trunc('hour', first_at, 'UTC'), station_id, op, count(*), count(*) filter (where first_outcome = 'PASS'),
             count(*) filter (where last_outcome = 'PASS'), count(*) filter (where n > 1), sum(n)
      from u group by 1, 2, 3""";
  private static final String HOURLY = """
      select hour, station_id, operation, units, first_pass, final_pass, retested, runs from unit_yield_hourly
      where (units, first_pass, final_pass, retested, runs) <> (0, 0, 0, 0, 0)""";
  /** The failed runs and their first failing step, found in steps as the Pareto used to. */
  private static final String FAILURES_FROM_RUNS = """
      select r.run_id, r.started_at, r.station_id, r.operation, fs.step, r.outcome
      from runs r left join lateral (
        select coalesce(s.path, s.name) as step from steps s
        where s.run_id = r.run_id and s.outcome in ('FAIL', 'ERROR') order by s.step_index limit 1) fs on true
      where r.finished and r.outcome <> 'PASS'""";
  private static final String FAILURES = "select run_id, started_at, station_id, operation, step, outcome"
      + " from run_failures";
  private static final Instant T0 = Instant.parse("2026-11-22T05:10:00Z");

  private final Batches batches = new Batches();

  @Test
  void hourly_yield_and_first_failures_equal_a_direct_count_through_retests_redelivery_and_a_late_earlier_run(
      Database db) throws Exception {
    Batches.migrate(db);
    // 30 units, one every 23 minutes over 11 hours; units 0..9 retested 45 minutes later (across an hour)
    List<Run> runs = RunFixture.runs(30, 10);
    List<Event<?>> firsts = new ArrayList<>();
    List<Event<?>> retests = new ArrayList<>();
    for (Run run : runs) {
      Instant start = T0.plus(Duration.ofMinutes(23L * run.unit() + (run.attempt() > 1 ? 45 : 0)));
      (run.attempt() > 1 ? retests : firsts).add(finished(run, run.runId(), start, null));
    }
    for (int i = 0; i < firsts.size(); i += 10) {
      batches.write(db, firsts.subList(i, i + 10));
      assertRollupsEqualDirectCounts(db);
    }
    // 5 units (0, 7, 14, 21, 28) failed first, over 11 hours
    assertThat(Env.count(db, "select count(distinct hour) from unit_yield_hourly")).isGreaterThanOrEqualTo(11);
    assertThat(Env.count(db, "select sum(units) - sum(first_pass) from unit_yield_hourly")).isEqualTo(5);

    // the retests arrive later: 10 units now have two runs, 0 and 7 pass finally
    batches.write(db, retests);
    assertRollupsEqualDirectCounts(db);
    assertThat(Env.count(db, "select sum(retested) from unit_yield_hourly")).isEqualTo(10);
    assertThat(Env.count(db, "select sum(units) - sum(final_pass) from unit_yield_hourly")).isEqualTo(3);

    // a redelivered batch, then every retest's run.finished re-emitted under new event ids: nothing counts twice
    batches.write(db, retests);
    List<Event<?>> reemitted = retests.stream().map(YieldRollupIT::reemitted).toList();
    batches.write(db, reemitted);
    batches.write(db, firsts.subList(0, 10));
    assertRollupsEqualDirectCounts(db);
    assertThat(Env.count(db, "select sum(units) from unit_yield_hourly")).isEqualTo(30);
    assertThat(Env.count(db, "select sum(runs) from unit_yield_hourly")).isEqualTo(40);
    assertThat(Env.count(db, "select count(*) from run_failures")).isEqualTo(5);

    // unit 12's earlier run (a crash, no failing step) arrives last: the unit moves three hours back and fails first
    Run twelve = runs.get(12);
    Instant earlier = T0.plus(Duration.ofMinutes(23L * 12)).minus(Duration.ofHours(3));
    batches.write(db, List.of(finished(twelve, UUID.randomUUID(), earlier, RunOutcome.CRASHED)));
    assertRollupsEqualDirectCounts(db);
    assertThat(Env.count(db, "select units from unit_yield_hourly where hour = '"
        + earlier.truncatedTo(java.time.temporal.ChronoUnit.HOURS) + "' and station_id = 'ST-2'")).isEqualTo(1);
    assertThat(Env.count(db, "select sum(units) from unit_yield_hourly")).isEqualTo(30);
    assertThat(Env.count(db, "select sum(units) - sum(first_pass) from unit_yield_hourly")).isEqualTo(6);
    assertThat(Env.count(db, "select count(*) from run_failures where outcome = 'CRASHED' and step is null"))
        .isEqualTo(1);
  }

  private static void assertRollupsEqualDirectCounts(Database db) throws Exception {
    assertThat(table(db, HOURLY)).isEqualTo(table(db, HOURLY_FROM_RUNS));
    assertThat(table(db, FAILURES)).isEqualTo(table(db, FAILURES_FROM_RUNS));
  }

  /** {@code run}'s run.finished under {@code runId}, started at {@code start}, with {@code outcome} if not null. */
  private static Event<?> finished(Run run, UUID runId, Instant start, RunOutcome outcome) {
    Event<?> e = run.events().get(3);
    RunFinished f = (RunFinished) e.data();
    RunFinished moved = new RunFinished(runId, f.serialNumber(), f.units(), f.partNumber(), f.partRevision(),
        f.program(), f.operator(), f.workOrder(), f.attempt(), f.testMethod(), f.operation(), start,
        start.plusMillis(f.durationMs()), f.durationMs(), outcome == null ? f.outcome() : outcome, f.exitCode(),
        f.signal(), f.coreDumped(), f.errorCode(), f.errorMessage(), f.failingStep(), f.counts(), f.log(), f.steps(),
        f.crash());
    return Event.of(e.stationId(), e.agentSession(), e.seq(), start.plusMillis(f.durationMs()), moved);
  }

  private static Event<?> reemitted(Event<?> e) {
    return new Event<>(e.schema(), UUID.randomUUID(), e.stationId(), e.agentSession(), e.seq(), e.occurredAt(),
        e.data());
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
}
