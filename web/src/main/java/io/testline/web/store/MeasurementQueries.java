package io.testline.web.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.testline.web.view.MeasurementFilter;
import io.testline.web.view.MeasurementPage;
import io.testline.web.view.MeasurementStats;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The measurement page: statistics per station and in all (computed in PostgreSQL), the measurements to choose
 * from, and the chart's series written as compact JSON arrays. A value is a finite number of a measurement
 * ({@code text_value}s, NaN and infinities are left out) of a run started in the window, finished or not.
 */
public final class MeasurementQueries {
  /** The most points the chart is sent (the latest); the statistics always cover every value. */
  public static final int MAX_POINTS = 100_000;
  static final int CHOICES = 200;
  private static final JsonFactory JSON = new JsonFactory();

  private final DataSource dataSource;

  public MeasurementQueries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The statistics of the named measurement; its limits are the latest value's. */
  public MeasurementPage page(MeasurementFilter f) throws SQLException {
    List<Object> args = new ArrayList<>();
    String from = selection(f, args);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        Double lsl = null;
        Double usl = null;
        String unit = null;
        long limitSets = 0;
        // the latest value's limits: a walk back from the window's end that stops at the first value
        try (PreparedStatement ps = c.prepareStatement("select p.low_limit, p.high_limit, p.unit " + from
            + " order by p.started_at desc, p.run_id desc limit 1")) {
          Sql.bind(ps, args);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              lsl = Sql.doubleOrNull(rs, 1);
              usl = Sql.doubleOrNull(rs, 2);
              unit = rs.getString(3);
            }
          }
        }
        MeasurementStats all = new MeasurementStats(null, 0, null, null, null, null, lsl, usl);
        List<MeasurementStats> stations = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select p.station_id, count(*), avg(p.value),"
            + " stddev_samp(p.value), min(p.value), max(p.value), grouping(p.station_id) = 1,"
            + " count(distinct (p.low_limit, p.high_limit)) " + from
            + " group by grouping sets ((p.station_id), ()) order by grouping(p.station_id), p.station_id")) {
          Sql.bind(ps, args);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              MeasurementStats s = new MeasurementStats(rs.getString(1), rs.getLong(2), Sql.doubleOrNull(rs, 3),
                  Sql.doubleOrNull(rs, 4), Sql.doubleOrNull(rs, 5), Sql.doubleOrNull(rs, 6), lsl, usl);
              if (rs.getBoolean(7)) {
                limitSets = rs.getLong(8);
                all = new MeasurementStats(null, s.n(), s.mean(), s.sigma(), s.min(), s.max(), lsl, usl);
              } else {
                stations.add(s);
              }
            }
          }
        }
        return new MeasurementPage(f, all, stations, unit, limitSets, List.of(), null);
      } finally {
        c.rollback();
      }
    }
  }

  /** The (step, measurement) pairs with values in the window, at the operation and station, most values first. */
  public List<MeasurementPage.Choice> choices(MeasurementFilter f) throws SQLException {
    StringBuilder sql = new StringBuilder("""
        select coalesce(s.path, s.name) as step, m.name, min(m.unit), count(*)
        from runs r join measurements m on m.run_id = r.run_id
        join steps s on s.run_id = m.run_id and s.step_index = m.step_index
        where r.started_at >= ? and r.started_at < ? and m.value is not null""");
    List<Object> args = new ArrayList<>(List.of(Sql.time(f.from()), Sql.time(f.to())));
    optional(sql, args, f.operation(), " and r.operation = ?");
    optional(sql, args, f.station(), " and r.station_id = ?");
    optional(sql, args, f.step(), " and coalesce(s.path, s.name) = ?");
    optional(sql, args, f.name(), " and m.name = ?");
    sql.append(" group by 1, 2 order by 4 desc, 1, 2 limit ").append(CHOICES);
    List<MeasurementPage.Choice> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      Sql.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new MeasurementPage.Choice(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        }
      }
    }
    return out;
  }

  /**
   * Writes the chart's data: {@code t} (run start, epoch ms), {@code v} (value), {@code s} (index into
   * {@code stations}) for the latest {@link #MAX_POINTS} values oldest first; {@code limits} as [t, LSL, USL] at
   * every change; {@code hist} (lo, width, counts) of those values; {@code total} values in all.
   */
  public void writeSeries(MeasurementFilter f, OutputStream out) throws SQLException, IOException {
    List<Object> args = new ArrayList<>();
    String from = selection(f, args);
    int n;
    long[] t = new long[MAX_POINTS];
    double[] v = new double[MAX_POINTS];
    int[] s = new int[MAX_POINTS];
    Double[] low = new Double[MAX_POINTS];
    Double[] high = new Double[MAX_POINTS];
    Map<String, Integer> stations = new LinkedHashMap<>();
    long total;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        try (PreparedStatement ps = c.prepareStatement("select (extract(epoch from p.started_at) * 1000)::bigint,"
            + " p.value, p.station_id, p.low_limit, p.high_limit, count(*) over () " + from
            + " order by p.started_at desc, p.run_id desc limit " + MAX_POINTS)) {
          ps.setFetchSize(10_000);
          Sql.bind(ps, args);
          try (ResultSet rs = ps.executeQuery()) {
            n = 0;
            total = 0;
            while (rs.next()) {
              t[n] = rs.getLong(1);
              v[n] = rs.getDouble(2);
              s[n] = stations.computeIfAbsent(rs.getString(3), k -> stations.size());
              low[n] = Sql.doubleOrNull(rs, 4);
              high[n] = Sql.doubleOrNull(rs, 5);
              n++;
              total = rs.getLong(6);
            }
          }
        }
      } finally {
        c.rollback();
      }
    }
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("total", total);
      g.writeArrayFieldStart("stations");
      for (String station : stations.keySet()) {
        g.writeString(station);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("t");
      for (int i = n - 1; i >= 0; i--) {
        g.writeNumber(t[i]);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("v");
      for (int i = n - 1; i >= 0; i--) {
        g.writeNumber(v[i]);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("s");
      for (int i = n - 1; i >= 0; i--) {
        g.writeNumber(s[i]);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("limits");
      for (int i = n - 1; i >= 0; i--) {
        if (i == n - 1 || !java.util.Objects.equals(low[i], low[i + 1])
            || !java.util.Objects.equals(high[i], high[i + 1])) {
          g.writeStartArray();
          g.writeNumber(t[i]);
          number(g, low[i]);
          number(g, high[i]);
          g.writeEndArray();
        }
      }
      g.writeEndArray();
      Histogram h = Histogram.of(v, n);
      g.writeObjectFieldStart("hist");
      g.writeNumberField("lo", h.lo());
      g.writeNumberField("width", h.width());
      g.writeArrayFieldStart("counts");
      for (long count : h.counts()) {
        g.writeNumber(count);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  /**
   * The FROM and WHERE of the named measurement's finite values in the window, as {@code p}; adds its arguments.
   * {@code measurement_points} (result-consumer's V24) holds exactly those values with their run's start, station
   * and operation and their step's key, so this is one range of its index.
   */
  static String selection(MeasurementFilter f, List<Object> args) {
    StringBuilder sql = new StringBuilder("""
        from measurement_points p
        where p.name = ? and p.step = ? and p.started_at >= ? and p.started_at < ?""");
    args.add(f.name());
    args.add(f.step());
    args.add(Sql.time(f.from()));
    args.add(Sql.time(f.to()));
    optional(sql, args, f.operation(), " and p.operation = ?");
    optional(sql, args, f.station(), " and p.station_id = ?");
    return sql.append(' ').toString();
  }

  private static void optional(StringBuilder sql, List<Object> args, Object value, String clause) {
    if (value != null) {
      sql.append(clause);
      args.add(value);
    }
  }

  private static void number(JsonGenerator g, Double d) throws IOException {
    if (d == null || d.isNaN() || d.isInfinite()) {
      g.writeNull();
    } else {
      g.writeNumber(d);
    }
  }
}
