package io.testline.consumer.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

/**
 * Keeps {@code unit_yield} (migration V25), one row per unit and operation over its finished runs, equal to what
 * {@code runs} holds: the units of the runs a batch finished are recomputed from all their finished runs, in the
 * same transaction. Recomputed rather than incremented, so a redelivered, re-emitted or late (older) run converges
 * to the same row.
 *
 * <p>A unit's runs may be stored by two consumers at once (its ICT and FCT stations on different partitions): each
 * takes a transaction-scoped advisory lock per unit first, in one order, so the second recomputes only after the
 * first has committed and sees its run.
 */
final class UnitYield {

  private static final String UNITS = """
      select distinct serial_number as s, coalesce(operation, '') as op from runs where run_id = any(?::uuid[])""";

  private static final String LOCK = "select pg_advisory_xact_lock(h) from (select distinct"
      + " hashtextextended(k.s || '/' || k.op, 25) as h from (" + UNITS + ") k order by h offset 0) l";

  private static final String DELETE = "delete from unit_yield y using (" + UNITS + ") k"
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
      group by r.serial_number, k.op""".formatted(UNITS);

  private UnitYield() {}

  /** Recomputes the rows of the units (serial, operation) that {@code finishedRunIds} belong to. */
  static void refresh(Connection c, Collection<UUID> finishedRunIds, WriteStats stats) throws SQLException {
    if (finishedRunIds.isEmpty()) {
      return;
    }
    Array ids = c.createArrayOf("uuid", finishedRunIds.toArray(new UUID[0]));
    try (PreparedStatement lock = c.prepareStatement(LOCK);
         PreparedStatement delete = c.prepareStatement(DELETE);
         PreparedStatement insert = c.prepareStatement(INSERT)) {
      lock.setArray(1, ids);
      lock.executeQuery().close();
      delete.setArray(1, ids);
      delete.executeUpdate();
      insert.setArray(1, ids);
      stats.rows("unit_yield", insert.executeUpdate());
    }
  }
}
