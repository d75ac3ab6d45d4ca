package io.testline.interop.store;

import io.testline.interop.model.RunRecord;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Streams the runs of a {@link RunSelection}, oldest first: run ids are read a page at a time by keyset
 * ({@code started_at, run_id}) and the runs are loaded a few dozen at a time as they are handed over, so memory
 * holds one page of ids and one batch of runs whatever the window's size.
 */
public final class RunWindow {
  /** Receives the runs one at a time. */
  @FunctionalInterface
  public interface Visitor {
    void accept(RunRecord run) throws IOException;
  }

  /**
   * Runs loaded together: a few queries for all of them. Their logs are in memory at once, each up to the loader's
   * bound, so this stays small.
   */
  static final int LOAD_BATCH = 50;

  /** Run ids read per query unless told otherwise. */
  public static final int DEFAULT_PAGE = 500;

  private final DataSource dataSource;
  private final RunLoader loader;
  private final int page;

  public RunWindow(DataSource dataSource, RunLoader loader) {
    this(dataSource, loader, DEFAULT_PAGE);
  }

  /** @param page run ids read per query */
  public RunWindow(DataSource dataSource, RunLoader loader, int page) {
    if (page < 1) {
      throw new IllegalArgumentException("page must be >= 1: " + page);
    }
    this.dataSource = dataSource;
    this.loader = loader;
    this.page = page;
  }

  /** How many runs the selection holds now (for progress; runs stored meanwhile may change it). */
  public long count(RunSelection s) throws SQLException {
    List<Object> args = new ArrayList<>();
    String where = where(s, args);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select count(*) from runs where " + where)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Hands every run of the selection to {@code visitor}, oldest first; returns how many. */
  public long forEach(RunSelection s, Visitor visitor) throws SQLException, IOException {
    long n = 0;
    Instant afterStarted = null;
    UUID afterId = null;
    while (true) {
      List<Object> args = new ArrayList<>();
      StringBuilder sql = new StringBuilder("select started_at, run_id from runs where ").append(where(s, args));
      if (afterId != null) {
        sql.append(" and (started_at, run_id) > (?, ?)");
        args.add(OffsetDateTime.ofInstant(afterStarted, ZoneOffset.UTC));
        args.add(afterId);
      }
      sql.append(" order by started_at, run_id limit ").append(page);
      List<UUID> ids = new ArrayList<>();
      try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            afterStarted = rs.getObject(1, OffsetDateTime.class).toInstant();
            afterId = rs.getObject(2, UUID.class);
            ids.add(afterId);
          }
        }
      }
      for (int i = 0; i < ids.size(); i += LOAD_BATCH) {
        // a run deleted between the page and its load is simply no longer there
        for (RunRecord run : loader.loadAll(ids.subList(i, Math.min(ids.size(), i + LOAD_BATCH)))) {
          visitor.accept(run);
          n++;
        }
      }
      if (ids.size() < page) {
        return n;
      }
    }
  }

  private static String where(RunSelection s, List<Object> args) {
    StringBuilder w = new StringBuilder("true");
    if (s.serial() != null) {
      w.append(" and serial_number = ?");
      args.add(s.serial());
    }
    if (s.from() != null) {
      w.append(" and started_at >= ?");
      args.add(OffsetDateTime.ofInstant(s.from(), ZoneOffset.UTC));
    }
    if (s.to() != null) {
      w.append(" and started_at < ?");
      args.add(OffsetDateTime.ofInstant(s.to(), ZoneOffset.UTC));
    }
    if (s.station() != null) {
      w.append(" and station_id = ?");
      args.add(s.station());
    }
    return w.toString();
  }

  private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      ps.setObject(i + 1, args.get(i));
    }
  }
}
