package io.testline.web.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.store.StoreDataSource;
import io.testline.web.WebConfig;
import io.testline.web.WebServer;
import io.testline.web.view.MeasurementFilter;
import io.testline.web.view.YieldFilter;
import java.time.Instant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A benchmark, not a test: run only with {@code -Pbench} (web/README.md). Seeds PostgreSQL with
 * {@code -Dbench.runs} runs (default 300,000) over 30 days and 100 stations, 5 steps and 10 measurements a run,
 * about a tenth of the units retested, then prints the server time (p50, p95 of 30 requests) of the yield page over
 * the 30 days, of the measurement page and its chart's series (the latest 100,000 points), of the runs page and
 * of a unit's page. It seeds the schema before V24 and times the migrations that backfill the web's derived tables.
 * Then it times the yield statement and the Pareto against their readings before V27 (one unit_yield row per unit;
 * every failed run's steps), alternately, and checks that both give the same answer.
 */
@ExtendWith(RealBrokers.class)
class ChartPagesBench {
  private static final int REQUESTS = Integer.getInteger("bench.requests", 30);

  @Test
  void prints_the_server_time_of_the_yield_and_measurement_pages(Database db) throws Exception {
    int runs = Integer.getInteger("bench.runs", 300_000);
    try (HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 4,
        Duration.ofSeconds(30))) {
      // the schema before the web's derived tables, so that their migrations' backfill is timed over the seed
      StoreDataSource.migrate(ds, "23");
      long t0 = System.nanoTime();
      seed(db, runs);
      System.out.printf(Locale.ROOT, "bench: seeded %s in %.0f s%n", counts(ds), (System.nanoTime() - t0) / 1e9);
      t0 = System.nanoTime();
      // a connection without the pool's 120 s socket timeout: at a million runs the backfill takes longer
      PGSimpleDataSource migrations = new PGSimpleDataSource();
      migrations.setUrl(db.jdbcUrl());
      migrations.setUser(db.user());
      migrations.setPassword(db.password());
      StoreDataSource.migrate(migrations);
      vacuum(db);
      System.out.printf(Locale.ROOT, "bench: migrated (backfilled measurement_points, unit_yield, unit_yield_hourly,"
          + " run_failures) in %.0f s%n",
          (System.nanoTime() - t0) / 1e9);
      try (WebServer web = new WebServer(ds, new WebConfig("127.0.0.1", 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS,
          null)).start()) {
        String window = "from=2026-01-01T00:00:00Z&to=2026-01-31T00:00:00Z";
        String measurement = "operation=FCT&step=Group%2FStep1&name=m1_0&" + window;
        time(web.uri(), "yield, 30 days, by day", "/yield?" + window + "&by=day");
        time(web.uri(), "yield, 30 days, by station", "/yield?" + window + "&by=station");
        time(web.uri(), "yield, 30 days, one station by shift", "/yield?" + window + "&station=ST-007&by=shift");
        time(web.uri(), "measurement page (stats per station)", "/measurements?" + measurement);
        time(web.uri(), "measurement series (latest 100,000 points)", "/measurements/series?" + measurement);
        time(web.uri(), "runs page (newest first)", "/runs");
        String serial = retestedSerial(ds);
        for (String filter : List.of("station=ST-007", "serial=" + serial, "operation=FCT", "program=main.py",
            "outcome=FAIL", "outcome=CRASHED", "verdict=NONE", "verdict=REJECTED",
            "station=ST-042&operation=FCT&outcome=FAIL", "from=2026-01-15T00:00:00Z&to=2026-01-16T00:00:00Z",
            "station=ST-007&from=2026-01-15T00:00:00Z&to=2026-01-16T00:00:00Z")) {
          time(web.uri(), "runs page, " + filter, "/runs?" + filter);
        }
        time(web.uri(), "unit page (a retested unit)", "/units/" + serial);
      }
      compareWithUnitYield(ds);
      explain(ds);
    }
  }

  /**
   * Units through ICT and FCT, 30 days from 2026-01-01; a run's station one of 100; 10 % of first runs fail and
   * 80 % of those are retested an hour later; a failed run's failing step varies; values around 3.3.
   */
  private static void seed(Database db, int runs) throws Exception {
    int pairs = (int) (runs / 1.08);
    double spacing = 30.0 * 86_400 / pairs;
    // a plain connection: the pool's socket timeout is for pages, not for inserting millions of rows
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("set synchronous_commit = off");
      s.execute("""
          insert into runs (run_id, serial_number, station_id, units, program_name, attempt, operation, started_at,
                            finished, ended_at, duration_ms, outcome)
          select gen_random_uuid(), 'SN' || (p / 2), 'ST-' || lpad(((p / 2) %% 100)::text, 3, '0'), '[]', 'main.py', 1,
                 case when p %% 2 = 0 then 'ICT' else 'FCT' end, t, true, t + interval '40 s', 40000,
                 case when hashint4(p) %% 10 = 0 then 'FAIL' else 'PASS' end
          from (select p, timestamptz '2026-01-01 00:00:00+00' + p * %f * interval '1 s' as t
                from generate_series(0, %d) p) g""".formatted(spacing, pairs - 1));
      s.execute("""
          insert into runs (run_id, serial_number, station_id, units, program_name, attempt, operation, started_at,
                            finished, ended_at, duration_ms, outcome)
          select gen_random_uuid(), serial_number, station_id, '[]', program_name, 2, operation,
                 started_at + interval '1 hour', true, ended_at + interval '1 hour', 40000,
                 case when hashtext(serial_number) % 5 = 0 then 'FAIL' else 'PASS' end
          from runs where outcome = 'FAIL' and hashtext(serial_number || operation) % 5 <> 0""");
      // steps and measurements are inserted without their indexes, which are built once afterwards (as V1 and V21
      // define them): at a million runs that is several times faster than maintaining them row by row
      s.execute("drop index measurements_name_idx");
      s.execute("alter table measurements drop constraint measurements_pkey");
      s.execute("drop index steps_failed_idx");
      s.execute("drop index steps_first_failing_idx");
      s.execute("alter table steps drop constraint steps_pkey");
      s.execute("""
          insert into steps (run_id, step_index, name, path, started_at, ended_at, outcome)
          select r.run_id, i, 'Step' || i, 'Group/Step' || i, r.started_at, r.started_at,
                 case when r.outcome = 'FAIL' and i = abs(hashtext(r.run_id::text)) % 5 then 'FAIL' else 'PASS' end
          from runs r cross join generate_series(0, 4) i""");
      s.execute("""
          insert into measurements (run_id, step_index, ordinal, name, value, unit, low_limit, high_limit,
                                    comparator, outcome)
          select s.run_id, s.step_index, o, 'm' || s.step_index || '_' || o,
                 3.3 + (abs(hashtext(s.run_id::text || o)) % 1000 - 500) / 5000.0, 'V', 3.135, 3.465, 'GELE', 'PASS'
          from steps s cross join generate_series(0, 1) o""");
      s.execute("set maintenance_work_mem = '256MB'");
      s.execute("alter table steps add primary key (run_id, step_index)");
      s.execute("create index steps_failed_idx on steps (run_id) where outcome in ('FAIL', 'ERROR')");
      s.execute("create index steps_first_failing_idx on steps (run_id, step_index) include (path, name)"
          + " where outcome in ('FAIL', 'ERROR')");
      s.execute("alter table measurements add primary key (run_id, step_index, ordinal)");
      s.execute("create index measurements_name_idx on measurements (name, run_id, step_index)"
          + " include (value, low_limit, high_limit)");
      s.execute("vacuum analyze runs");
      s.execute("vacuum analyze steps");
      s.execute("vacuum analyze measurements");
    }
  }

  /** The derived tables' visibility map and statistics, as autovacuum would leave them after a while. */
  private static void vacuum(Database db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("vacuum analyze measurement_points");
      s.execute("vacuum analyze unit_yield");
      s.execute("vacuum analyze unit_yield_hourly");
      s.execute("vacuum analyze run_failures");
    }
  }

  /** The Pareto as it was read before V27: every failed run in the window and a look-up of its steps. */
  private static final String PARETO_FROM_STEPS = """
      select coalesce(r.operation, '') as op, fs.step, case when fs.step is null then r.outcome end as outcome,
             count(*) as failures
      from runs r left join lateral (
        select coalesce(s.path, s.name) as step from steps s
        where s.run_id = r.run_id and s.outcome in ('FAIL', 'ERROR') order by s.step_index limit 1) fs on true
      where r.finished and r.outcome <> 'PASS' and r.started_at >= ? and r.started_at < ?
      group by 1, 2, 3 order by 4 desc, 1, 2 nulls last, 3""";

  /**
   * The yield statement and the Pareto, before (unit_yield, one row per unit; the failed runs' steps) and after
   * (the hourly rollup; run_failures), alternately in this run, as the page's queries time them (no HTTP, no page).
   */
  private static void compareWithUnitYield(HikariDataSource ds) throws Exception {
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    Instant to = Instant.parse("2026-01-31T00:00:00Z");
    YieldPageQueries before = new YieldPageQueries(ds, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS, false);
    YieldPageQueries after = new YieldPageQueries(ds, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS, true);
    for (String by : List.of("day", "station", "shift")) {
      YieldFilter f = new YieldFilter(from, to, null, null, by, "a", "b");
      List<Double> b = new ArrayList<>();
      List<Double> a = new ArrayList<>();
      for (int i = 0; i < REQUESTS + 3; i++) {
        long t = System.nanoTime();
        var expected = before.yields(f);
        long t1 = System.nanoTime();
        var actual = after.yields(f);
        long t2 = System.nanoTime();
        assertThat(actual).as(by).isEqualTo(expected);
        if (i >= 3) {
          b.add((t1 - t) / 1e6);
          a.add((t2 - t1) / 1e6);
        }
      }
      report("yield statement by " + by + ", unit_yield", b);
      report("yield statement by " + by + ", hourly rollup", a);
    }
    YieldFilter f = new YieldFilter(from, to, null, null, "day", "a", "b");
    List<Double> b = new ArrayList<>();
    List<Double> a = new ArrayList<>();
    for (int i = 0; i < REQUESTS + 3; i++) {
      long t = System.nanoTime();
      long failures = 0;
      try (Connection c = ds.getConnection(); var ps = c.prepareStatement(PARETO_FROM_STEPS)) {
        Sql.bind(ps, List.<Object>of(Sql.time(from), Sql.time(to)));
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            failures += rs.getLong(4);
          }
        }
      }
      long t1 = System.nanoTime();
      YieldPageQueries.Pareto p = after.pareto(f, YieldPageQueries.PARETO_BARS);
      long t2 = System.nanoTime();
      assertThat(p.failedRuns()).isEqualTo(failures);
      if (i >= 3) {
        b.add((t1 - t) / 1e6);
        a.add((t2 - t1) / 1e6);
      }
    }
    report("pareto, failed runs' steps", b);
    report("pareto, run_failures", a);
  }

  private static void report(String what, List<Double> ms) {
    Collections.sort(ms);
    System.out.printf(Locale.ROOT, "bench: %-45s p50 %6.0f ms  p95 %6.0f ms%n", what, ms.get(ms.size() / 2),
        ms.get((int) Math.ceil(ms.size() * 0.95) - 1));
  }

  private static String retestedSerial(HikariDataSource ds) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
         var rs = s.executeQuery("select serial_number from unit_yield where runs > 1 limit 1")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The plans behind the numbers, for whoever tunes the indexes next. */
  private static void explain(HikariDataSource ds) throws Exception {
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    Instant to = Instant.parse("2026-01-31T00:00:00Z");
    List<Object> args = new ArrayList<>();
    String yield = new YieldPageQueries(ds, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS)
        .yieldSql(new YieldFilter(from, to, null, null, "day", "a", "b"), args);
    print(ds, "yield by day", yield, args);
    args = new ArrayList<>();
    yield = new YieldPageQueries(ds, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS, false)
        .yieldSql(new YieldFilter(from, to, null, null, "day", "a", "b"), args);
    print(ds, "yield by day from unit_yield (before)", yield, args);
    print(ds, "pareto from the failed runs' steps (before)", PARETO_FROM_STEPS,
        List.<Object>of(Sql.time(from), Sql.time(to)));
    print(ds, "pareto from run_failures", """
        select coalesce(operation, '') as op, step, case when step is null then outcome end as outcome, count(*)
        from run_failures where started_at >= ? and started_at < ? group by 1, 2, 3 order by 4 desc, 1, 2 nulls last, 3""",
        List.<Object>of(Sql.time(from), Sql.time(to)));
    args = new ArrayList<>();
    String from2 = MeasurementQueries.selection(new MeasurementFilter("FCT", "Group/Step1", "m1_0", from, to, null,
        "a", "b"), args);
    print(ds, "measurement series", "select p.started_at, p.value, p.station_id " + from2
        + " order by p.started_at desc, p.run_id desc limit 100000", args);
  }

  private static void print(HikariDataSource ds, String what, String sql, List<Object> args) throws Exception {
    try (Connection c = ds.getConnection(); var ps = c.prepareStatement("explain (analyze, buffers) " + sql)) {
      Sql.bind(ps, args);
      try (var rs = ps.executeQuery()) {
        System.out.println("bench: plan of " + what);
        while (rs.next()) {
          System.out.println("bench:   " + rs.getString(1));
        }
      }
    }
  }

  private static String counts(HikariDataSource ds) throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
         var rs = s.executeQuery("select (select count(*) from runs), (select count(*) from steps),"
             + " (select count(*) from measurements), (select count(distinct station_id) from runs)")) {
      rs.next();
      return String.format(Locale.ROOT, "%,d runs, %,d steps, %,d measurements, %d stations", rs.getLong(1),
          rs.getLong(2), rs.getLong(3), rs.getLong(4));
    }
  }

  /** The time from request to the last byte of the answer, over loopback: the server's time, near enough. */
  private static void time(URI base, String what, String path) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).build();
    long bytes = 0;
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      bytes = r.body().length;
    }
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      long t = System.nanoTime();
      http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      ms.add((System.nanoTime() - t) / 1e6);
    }
    Collections.sort(ms);
    System.out.printf(Locale.ROOT, "bench: %-45s p50 %6.0f ms  p95 %6.0f ms  (%,d bytes)%n", what,
        ms.get(REQUESTS / 2), ms.get((int) Math.ceil(REQUESTS * 0.95) - 1), bytes);
  }
}
