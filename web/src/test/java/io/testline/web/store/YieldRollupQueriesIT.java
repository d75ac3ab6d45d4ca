package io.testline.web.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.store.StoreDataSource;
import io.testline.web.WebConfig;
import io.testline.web.view.ParetoRow;
import io.testline.web.view.YieldFilter;
import io.testline.web.view.YieldRow;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The yield page's numbers read from the hourly rollup (V27) equal those read unit by unit from {@code unit_yield},
 * for windows that start and end off the hour, every grouping, zones with whole-hour and half-hour offsets and
 * shifts on and off the hour; the Pareto read from {@code run_failures} equals the failed runs' steps counted
 * directly.
 */
@ExtendWith(RealBrokers.class)
class YieldRollupQueriesIT {
  private static final Instant FROM = Instant.parse("2026-03-01T05:17:00Z");
  private static final Instant TO = Instant.parse("2026-03-04T19:42:00Z");
  private static final List<LocalTime> HALF_PAST = List.of(LocalTime.of(6, 30), LocalTime.of(18, 30));

  @Test
  void rollup_answers_equal_unit_by_unit_answers_off_the_hour_in_every_zone_and_grouping(Database db)
      throws Exception {
    try (HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2,
        Duration.ofSeconds(30))) {
      StoreDataSource.migrate(ds, "23");
      seed(db);
      StoreDataSource.migrate(ds);
      int compared = 0;
      for (ZoneId zone : List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("Asia/Kolkata"))) {
        for (List<LocalTime> shifts : List.of(WebConfig.DEFAULT_SHIFTS, HALF_PAST)) {
          YieldPageQueries rollup = new YieldPageQueries(ds, zone, shifts, true);
          YieldPageQueries units = new YieldPageQueries(ds, zone, shifts, false);
          for (String by : YieldFilter.GROUPINGS) {
            for (String station : new String[] {null, "ST-03"}) {
              for (Instant[] w : windows()) {
                YieldFilter f = new YieldFilter(w[0], w[1], station, null, by, "a", "b");
                List<YieldRow> expected = units.yields(f);
                assertThat(rollup.yields(f)).as("%s %s %s %s", zone, shifts, by, List.of(w)).isEqualTo(expected);
                compared++;
              }
            }
          }
          YieldFilter fct = new YieldFilter(FROM, TO, null, "FCT", "shift", "a", "b");
          assertThat(rollup.yields(fct)).isEqualTo(units.yields(fct));
        }
      }
      assertThat(compared).isEqualTo(3 * 2 * 4 * 2 * windows().size());
      // the whole window has units, some retested, some failing first
      YieldRow total = lastOf(new YieldPageQueries(ds, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS, true)
          .yields(new YieldFilter(FROM, TO, null, null, "day", "a", "b")));
      assertThat(total.units()).isGreaterThan(500);
      assertThat(total.retested()).isPositive();
      assertThat(total.firstPass()).isLessThan(total.finalPass());

      YieldPageQueries q = new YieldPageQueries(ds, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS);
      YieldPageQueries.Pareto pareto = q.pareto(new YieldFilter(FROM, TO, null, null, "day", "a", "b"), 100);
      assertThat(pareto.rows()).extracting(ParetoRow::step, ParetoRow::failures)
          .containsExactlyElementsOf(directPareto(db));
      assertThat(pareto.failedRuns()).isGreaterThan(100);
    }
  }

  @Test
  void hours_fall_into_one_day_or_shift_only_for_whole_hour_offsets_and_shifts_on_the_hour() {
    YieldFilter day = new YieldFilter(FROM, TO, null, null, "day", "a", "b");
    YieldFilter shift = new YieldFilter(FROM, TO, null, null, "shift", "a", "b");
    YieldFilter station = new YieldFilter(FROM, TO, null, null, "station", "a", "b");
    List<LocalTime> shifts = WebConfig.DEFAULT_SHIFTS;
    assertThat(new YieldPageQueries(null, ZoneId.of("Europe/Berlin"), shifts).hoursFallIntoOneGroup(day)).isTrue();
    assertThat(new YieldPageQueries(null, ZoneId.of("Europe/Berlin"), shifts).hoursFallIntoOneGroup(shift)).isTrue();
    assertThat(new YieldPageQueries(null, ZoneId.of("Asia/Kolkata"), shifts).hoursFallIntoOneGroup(day)).isFalse();
    assertThat(new YieldPageQueries(null, ZoneOffset.UTC, HALF_PAST).hoursFallIntoOneGroup(shift)).isFalse();
    assertThat(new YieldPageQueries(null, ZoneOffset.UTC, HALF_PAST).hoursFallIntoOneGroup(day)).isTrue();
    assertThat(new YieldPageQueries(null, ZoneId.of("Asia/Kolkata"), HALF_PAST).hoursFallIntoOneGroup(station))
        .isTrue();
  }

  /** Off the hour at both ends, on the hour, within one hour, and a DST change (Europe/Berlin, 2026-03-29). */
  private static List<Instant[]> windows() {
    return List.of(
        new Instant[] {FROM, TO},
        new Instant[] {Instant.parse("2026-03-02T00:00:00Z"), Instant.parse("2026-03-03T00:00:00Z")},
        new Instant[] {Instant.parse("2026-03-02T10:05:00Z"), Instant.parse("2026-03-02T10:55:00Z")},
        new Instant[] {Instant.parse("2026-03-02T10:05:00Z"), Instant.parse("2026-03-02T12:55:00Z")},
        new Instant[] {Instant.parse("2026-03-28T20:31:00Z"), Instant.parse("2026-03-30T03:00:00Z")});
  }

  /**
   * About 5,000 units through ICT and FCT over March at odd minutes, 20 stations; a tenth fail first, most of those
   * are retested 50 minutes later (across an hour), a failed run's failing step varies, a few fail without one.
   */
  private static void seed(Database db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("""
          insert into runs (run_id, serial_number, station_id, units, program_name, attempt, operation, started_at,
                            finished, ended_at, duration_ms, outcome)
          select gen_random_uuid(), 'SN' || (p / 2), 'ST-' || lpad(((p / 2) % 20)::text, 2, '0'), '[]', 'main.py', 1,
                 case when p % 2 = 0 then 'ICT' else 'FCT' end, t, true, t + interval '40 s', 40000,
                 case when hashint4(p) % 10 = 0 then 'FAIL' when hashint4(p) % 97 = 0 then 'CRASHED' else 'PASS' end
          from (select p, timestamptz '2026-03-01 00:00:00+00' + p * interval '257 s' as t
                from generate_series(0, 10000) p) g""");
      s.execute("""
          insert into runs (run_id, serial_number, station_id, units, program_name, attempt, operation, started_at,
                            finished, ended_at, duration_ms, outcome)
          select gen_random_uuid(), serial_number, station_id, '[]', program_name, 2, operation,
                 started_at + interval '50 min', true, ended_at + interval '50 min', 40000,
                 case when hashtext(serial_number) % 5 = 0 then 'FAIL' else 'PASS' end
          from runs where outcome = 'FAIL' and hashtext(serial_number || operation) % 5 <> 0""");
      s.execute("""
          insert into steps (run_id, step_index, name, path, started_at, ended_at, outcome)
          select r.run_id, i, 'Step' || i, case when i = 2 then null else 'Group/Step' || i end, r.started_at,
                 r.started_at,
                 case when r.outcome = 'FAIL' and i >= abs(hashtext(r.run_id::text)) % 4 then 'FAIL' else 'PASS' end
          from runs r cross join generate_series(0, 3) i""");
    }
  }

  /** (step, failures) of the failed runs in the window, each by its first failing step, as the Pareto orders them. */
  private static List<org.assertj.core.groups.Tuple> directPareto(Database db) throws Exception {
    List<org.assertj.core.groups.Tuple> rows = new ArrayList<>();
    try (Connection c = db.connect(); var ps = c.prepareStatement("""
        select coalesce(r.operation, ''), fs.step, case when fs.step is null then r.outcome end, count(*)
        from runs r left join lateral (
          select coalesce(s.path, s.name) as step from steps s
          where s.run_id = r.run_id and s.outcome in ('FAIL', 'ERROR') order by s.step_index limit 1) fs on true
        where r.finished and r.outcome <> 'PASS' and r.started_at >= ? and r.started_at < ?
        group by 1, 2, 3 order by 4 desc, 1, 2 nulls last, 3""")) {
      ps.setObject(1, Sql.time(FROM));
      ps.setObject(2, Sql.time(TO));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(org.assertj.core.groups.Tuple.tuple(rs.getString(2), rs.getLong(4)));
        }
      }
    }
    return rows;
  }

  private static YieldRow lastOf(List<YieldRow> rows) {
    return rows.get(rows.size() - 1);
  }
}
