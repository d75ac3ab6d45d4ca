package io.testline.web.store;

import io.testline.web.view.ParetoRow;
import io.testline.web.view.YieldFilter;
import io.testline.web.view.YieldRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.sql.DataSource;

/**
 * The yield page's numbers, all counted in PostgreSQL (web/README.md defines them):
 * <ul>
 *   <li>a unit's <em>first run</em> of an operation is its earliest finished run of that operation (by start), ever;
 *       the unit belongs to the window, day, shift and station of that run, and counts once;</li>
 *   <li>first pass: that run's outcome is PASS; final pass: its latest finished run of the operation (even one
 *       after the window) is PASS; every other outcome (FAIL, ERROR, TIMEOUT, ABORTED, CRASHED) is not a pass;</li>
 *   <li>runs not finished yet count nowhere;</li>
 *   <li>the Pareto counts every failed run started in the window once, by its first failing step.</li>
 * </ul>
 *
 * <p>The yield is summed from {@code unit_yield_hourly} (result-consumer's V27) for the window's whole hours, and
 * from {@code unit_yield} (V25, one row per unit) for the minutes before the first and after the last whole hour, so
 * its cost grows with hours, stations and operations, not with units. An hour's units all fall into one day or shift
 * only when the zone's offset and the shift starts are whole hours; otherwise (e.g. UTC+05:30, a shift at 06:30) a
 * day or shift grouping reads {@code unit_yield} for the whole window. The Pareto reads {@code run_failures} (V27),
 * one row per failed run with its first failing step.
 */
public final class YieldPageQueries {
  /** The Pareto's bars; the rest are summed into the last one's cumulative share. */
  public static final int PARETO_BARS = 20;
  /** PostgreSQL's working memory for the yield statement (its default, 4 MB, spills a month of units to disk). */
  static final String WORK_MEM = "64MB";

  private final DataSource dataSource;
  private final ZoneId zone;
  private final List<LocalTime> shiftStarts;

  private final boolean rollup;

  public YieldPageQueries(DataSource dataSource, ZoneId zone, List<LocalTime> shiftStarts) {
    this(dataSource, zone, shiftStarts, true);
  }

  /** {@code rollup} false reads {@code unit_yield} for every window (the benchmark's baseline). */
  YieldPageQueries(DataSource dataSource, ZoneId zone, List<LocalTime> shiftStarts, boolean rollup) {
    this.rollup = rollup;
    this.dataSource = dataSource;
    this.zone = zone;
    this.shiftStarts = shiftStarts.stream().sorted(Comparator.reverseOrder()).toList();
  }

  /**
   * The yield per group of {@code f.by()}, ordered by group, and the total as the last row (its key null).
   *
   * <p>Read from {@code unit_yield_hourly} for the window's whole hours and {@code unit_yield} for the rest (see the
   * class's comment): the window's units are those whose first run started in it.
   */
  public List<YieldRow> yields(YieldFilter f) throws SQLException {
    List<Object> all = new ArrayList<>();
    String sql = yieldSql(f, all);
    List<YieldRow> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      try (Statement memory = c.createStatement(); PreparedStatement ps = c.prepareStatement(sql)) {
        // a month of units is sorted and hashed in memory rather than in temporary files (this statement only)
        memory.execute("set local work_mem = '" + WORK_MEM + "'");
        Sql.bind(ps, all);
        ResultSet rs = ps.executeQuery();
        while (rs.next()) {
          Object k = rs.getObject(1);
          boolean total = rs.getBoolean(7);
          String text = null;
          Instant at = null;
          if (!total) {
            if (k instanceof java.sql.Timestamp ts) {
              LocalDateTime local = ts.toLocalDateTime();
              text = local.toString();
              at = local.atZone(zone).toInstant();
            } else {
              text = rs.getString(1);
            }
          }
          out.add(new YieldRow(text, at, rs.getLong(2), rs.getLong(3), rs.getLong(4),
              rs.getLong(5), rs.getLong(6)));
        }
      } finally {
        c.rollback();
      }
    }
    if (out.isEmpty() || out.get(out.size() - 1).key() != null) {
      out.add(new YieldRow(null, null, 0, 0, 0, 0, 0));
    }
    return out;
  }

  /** The yield statement for {@code f}; adds its arguments to {@code all}. */
  String yieldSql(YieldFilter f, List<Object> all) {
    Instant hoursFrom = f.from().truncatedTo(ChronoUnit.HOURS);
    if (hoursFrom.isBefore(f.from())) {
      hoursFrom = hoursFrom.plus(1, ChronoUnit.HOURS);
    }
    Instant hoursTo = f.to().truncatedTo(ChronoUnit.HOURS);
    if (!rollup || !hoursFrom.isBefore(hoursTo) || !hoursFallIntoOneGroup(f)) {
      return unitsSql(f, all);
    }
    StringBuilder sql = new StringBuilder("""
        with f as (
          select operation as op, hour as started_at, station_id, units, first_pass, final_pass, retested, runs as n
          from unit_yield_hourly where hour >= ? and hour < ?""");
    all.add(Sql.time(hoursFrom));
    all.add(Sql.time(hoursTo));
    filters(f, "station_id", sql, all);
    for (Instant[] edge : List.of(new Instant[] {f.from(), hoursFrom}, new Instant[] {hoursTo, f.to()})) {
      if (edge[0].isBefore(edge[1])) {
        sql.append("""

            union all
            select operation, first_started_at, first_station_id, 1, (first_outcome = 'PASS')::int,
                   (last_outcome = 'PASS')::int, (runs > 1)::int, runs
            from unit_yield where first_started_at >= ? and first_started_at < ?""");
        all.add(Sql.time(edge[0]));
        all.add(Sql.time(edge[1]));
        filters(f, "first_station_id", sql, all);
      }
    }
    sql.append("""

        ), units as (
          select""");
    sql.append(' ').append(groupKey(f.by(), all)).append("""
         as k, units, first_pass, final_pass, retested, n
          from f
        )
        select k, sum(units), sum(first_pass), sum(final_pass), sum(retested), sum(n), grouping(k) = 1 as total
        from units group by grouping sets ((k), ()) having sum(units) > 0 order by grouping(k), k""");
    return sql.toString();
  }

  /** The yield statement that reads one {@code unit_yield} row per unit in the window. */
  private String unitsSql(YieldFilter f, List<Object> all) {
    StringBuilder sql = new StringBuilder("""
        with f as (
          select operation as op, first_started_at as started_at, first_station_id as station_id, first_outcome,
                 last_outcome, runs as n
          from unit_yield where first_started_at >= ? and first_started_at < ?""");
    all.add(Sql.time(f.from()));
    all.add(Sql.time(f.to()));
    filters(f, "first_station_id", sql, all);
    sql.append("""

        ), units as (
          select""");
    sql.append(' ').append(groupKey(f.by(), all)).append("""
         as k, f.first_outcome = 'PASS' as first_pass, f.last_outcome = 'PASS' as final_pass, f.n
          from f
        )
        select k, count(*), count(*) filter (where first_pass), count(*) filter (where final_pass),
               count(*) filter (where n > 1), sum(n), grouping(k) = 1 as total
        from units group by grouping sets ((k), ()) order by grouping(k), k""");
    return sql.toString();
  }

  private static void filters(YieldFilter f, String stationColumn, StringBuilder sql, List<Object> all) {
    if (f.operation() != null) {
      sql.append(" and operation = ?");
      all.add(f.operation());
    }
    if (f.station() != null) {
      sql.append(" and ").append(stationColumn).append(" = ?");
      all.add(f.station());
    }
  }

  /**
   * Whether every unit of one UTC hour falls into the same group of {@code f.by()}: always for a station or an
   * operation; for days, when the zone's offset is whole hours throughout the window; for shifts, also when every
   * shift starts on the hour.
   */
  boolean hoursFallIntoOneGroup(YieldFilter f) {
    if (!f.overTime()) {
      return true;
    }
    if (f.by().equals("shift")
        && shiftStarts.stream().anyMatch(t -> t.getMinute() != 0 || t.getSecond() != 0 || t.getNano() != 0)) {
      return false;
    }
    ZoneRules rules = zone.getRules();
    if (rules.getOffset(f.from()).getTotalSeconds() % 3600 != 0) {
      return false;
    }
    for (ZoneOffsetTransition t = rules.nextTransition(f.from()); t != null && t.getInstant().isBefore(f.to());
         t = rules.nextTransition(t.getInstant())) {
      if (t.getOffsetAfter().getTotalSeconds() % 3600 != 0 || t.getInstant().getEpochSecond() % 3600 != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The failed runs started in the window, by (operation, first failing step), most first; at most {@code bars}.
   * Read from {@code run_failures} (V27), a range of its index on the run's start.
   */
  public Pareto pareto(YieldFilter f, int bars) throws SQLException {
    StringBuilder sql = new StringBuilder("""
        select coalesce(operation, '') as op, step, case when step is null then outcome end as outcome,
               count(*) as failures
        from run_failures where started_at >= ? and started_at < ?""");
    List<Object> args = new ArrayList<>(List.of(Sql.time(f.from()), Sql.time(f.to())));
    if (f.station() != null) {
      sql.append(" and station_id = ?");
      args.add(f.station());
    }
    if (f.operation() != null) {
      sql.append(" and operation = ?");
      args.add(f.operation());
    }
    sql.append(" group by 1, 2, 3 order by 4 desc, 1, 2 nulls last, 3");
    List<Object[]> groups = new ArrayList<>();
    long total = 0;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      Sql.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long n = rs.getLong(4);
          total += n;
          groups.add(new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), n});
        }
      }
    }
    List<ParetoRow> rows = new ArrayList<>();
    long cumulative = 0;
    for (Object[] g : groups.subList(0, Math.min(bars, groups.size()))) {
      long n = (Long) g[3];
      cumulative += n;
      rows.add(new ParetoRow((String) g[0], (String) g[1], (String) g[2], n, 100.0 * n / total,
          100.0 * cumulative / total));
    }
    return new Pareto(rows, total, groups.size());
  }

  /** The Pareto's bars, the failed runs in all (100 %), and how many distinct causes there were. */
  public record Pareto(List<ParetoRow> rows, long failedRuns, int causes) {}

  /** The SQL of the group a unit's first run {@code f} belongs to; adds its arguments to {@code args}. */
  private String groupKey(String by, List<Object> args) {
    return switch (by) {
      case "station" -> "f.station_id";
      case "operation" -> "f.op";
      case "day" -> {
        args.add(zone.getId());
        yield "date_trunc('day', f.started_at at time zone ?)";
      }
      case "shift" -> shiftKey(args);
      default -> throw new IllegalArgumentException("by: " + by);
    };
  }

  /**
   * The local start of the shift the run started in: the latest shift start at or before its local time of day,
   * else (before the day's first shift) the previous day's last shift.
   */
  private String shiftKey(List<Object> args) {
    StringBuilder k = new StringBuilder("(select case");
    for (LocalTime start : shiftStarts) {
      k.append(" when lt::time >= ?::time then date_trunc('day', lt) + ?::time");
      args.add(start.toString());
      args.add(start.toString());
    }
    k.append(" else date_trunc('day', lt) - interval '1 day' + ?::time end");
    args.add(shiftStarts.get(0).toString());
    k.append(" from (select f.started_at at time zone ? as lt) x)");
    args.add(zone.getId());
    return k.toString();
  }
}
