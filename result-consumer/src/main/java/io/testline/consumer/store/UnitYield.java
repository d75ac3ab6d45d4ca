package io.testline.consumer.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps {@code unit_yield} (migration V25), one row per unit and operation over its finished runs, equal to what
 * {@code runs} holds: the units of the runs a batch finished are recomputed from all their finished runs, in the
 * same transaction. Recomputed rather than incremented, so a redelivered, re-emitted or late (older) run converges
 * to the same row; a run that a run.finished moved to another serial or operation recomputes both units.
 *
 * <p>A unit's runs may be stored by two consumers at once (its ICT and FCT stations on different partitions): each
 * takes a transaction-scoped advisory lock per unit first, in one order, so the second recomputes only after the
 * first has committed and sees its run.
 */
final class UnitYield {

  /** A unit: its serial and operation ({@code ""} for none), as {@code unit_yield} keys it. */
  record Unit(String serial, String operation) {}

  private static final String UNITS_OF_RUNS = """
      select distinct serial_number, coalesce(operation, '') from runs where run_id = any(?::uuid[])""";

  private static final String KEYS = "select distinct s, op from unnest(?::text[], ?::text[]) as k(s, op)";

  private static final String LOCK = "select pg_advisory_xact_lock(h) from (select distinct"
      + " hashtextextended(k.s || '/' || k.op, 25) as h from (" + KEYS + ") k order by h offset 0) l";

  private static final String DELETE = "delete from unit_yield y using (" + KEYS + ") k"
      + " where y.serial_number = k.s and y.operation = k.op";

  private static final String INSERT = """
      insert into unit_yield (serial_number, operation, first_run_id, first_started_at, first_station_id,
                              first_outcome, last_outcome, runs)
      select r.serial_number, k.op, (array_agg(r.run_id order by r.started_at, r.run_id))[1], min(r.started_at),
             (array_agg(r.station_id order by r.started_at, r.run_id))[1],
             (array_agg(r.outcome order by r.started_at, r.run_id))[1],
             (array_agg(r.outcome order by r.started_at desc, r.run_id desc))[1], count(*)
      from (%s) k join runs r on r.serial_number = k.s and coalesce(r.operation, '') = k.op
      where r.finished
      group by r.serial_number, k.op""".formatted(KEYS);

  private UnitYield() {}

  /** The units {@code runIds} belong to as stored now (before a write that may move them). */
  static Set<Unit> unitsOf(Connection c, Collection<UUID> runIds) throws SQLException {
    Set<Unit> units = new LinkedHashSet<>();
    if (runIds.isEmpty()) {
      return units;
    }
    try (PreparedStatement ps = c.prepareStatement(UNITS_OF_RUNS)) {
      ps.setArray(1, c.createArrayOf("uuid", runIds.toArray(new UUID[0])));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          units.add(new Unit(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return units;
  }

  /**
   * Recomputes the rows of the units (serial, operation) that {@code finishedRunIds} belong to now, and of
   * {@code before}, the units they belonged to before this write.
   */
  static void refresh(Connection c, Set<Unit> before, Collection<UUID> finishedRunIds, WriteStats stats)
      throws SQLException {
    if (finishedRunIds.isEmpty()) {
      return;
    }
    Set<Unit> units = new LinkedHashSet<>(before);
    units.addAll(unitsOf(c, finishedRunIds));
    List<Unit> list = List.copyOf(units);
    Array serials = c.createArrayOf("text", list.stream().map(Unit::serial).toArray());
    Array operations = c.createArrayOf("text", list.stream().map(Unit::operation).toArray());
    try (PreparedStatement lock = c.prepareStatement(LOCK);
         PreparedStatement delete = c.prepareStatement(DELETE);
         PreparedStatement insert = c.prepareStatement(INSERT)) {
      for (PreparedStatement ps : List.of(lock, delete, insert)) {
        ps.setArray(1, serials);
        ps.setArray(2, operations);
      }
      lock.executeQuery().close();
      delete.executeUpdate();
      stats.rows("unit_yield", insert.executeUpdate());
    }
  }
}
