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
 * to the same row; a run that a run.finished moved to another serial or operation recomputes both units. The same
 * statement keeps {@code unit_yield_hourly} (V27), the rows summed per hour, station and operation, by adding each
 * unit's new row and subtracting its old one.
 *
 * <p>A unit's runs may be stored by two consumers at once (its ICT and FCT stations on different partitions): each
 * takes a transaction-scoped advisory lock per unit first, in one order, so the second recomputes only after the
 * first has committed and sees its run. The hourly rows, shared between units, are updated in key order by one
 * statement per transaction, so two writers wait for each other there but never deadlock.
 */
final class UnitYield {

  /** A unit: its serial and operation ({@code ""} for none), as {@code unit_yield} keys it. */
  record Unit(String serial, String operation) {}

  private static final String UNITS_OF_RUNS = """
      select distinct serial_number, coalesce(operation, '') from runs where run_id = any(?::uuid[])""";

  private static final String KEYS = "select distinct s, op from unnest(?::text[], ?::text[]) as k(s, op)";

  private static final String LOCK = "select pg_advisory_xact_lock(h) from (select distinct"
      + " hashtextextended(k.s || '/' || k.op, 25) as h from (" + KEYS + ") k order by h offset 0) l";

  /**
   * One statement: the units' rows recomputed from their finished runs ({@code fresh}) replace their stored rows
   * ({@code stored}, read in the statement's snapshot, before either change), and the difference, fresh minus
   * stored, is added to {@code unit_yield_hourly} (V27) in key order, so that concurrent writers lock its rows in
   * one order. A unit whose row did not change (a redelivered batch) adds nothing.
   */
  private static final String REWRITE = """
      with k as (%s),
      fresh as (
        select r.serial_number, k.op as operation,
               (array_agg(r.run_id order by r.started_at, r.run_id))[1] as first_run_id,
               min(r.started_at) as first_started_at,
               (array_agg(r.station_id order by r.started_at, r.run_id))[1] as first_station_id,
               (array_agg(r.outcome order by r.started_at, r.run_id))[1] as first_outcome,
               (array_agg(r.outcome order by r.started_at desc, r.run_id desc))[1] as last_outcome, count(*)::int as runs
        from k join runs r on r.serial_number = k.s and coalesce(r.operation, '') = k.op
        where r.finished
        group by r.serial_number, k.op),
      stored as (
        select y.serial_number, y.operation, y.first_run_id, y.first_started_at, y.first_station_id, y.first_outcome,
               y.last_outcome, y.runs
        from unit_yield y join k on y.serial_number = k.s and y.operation = k.op),
      written as (
        insert into unit_yield (serial_number, operation, first_run_id, first_started_at, first_station_id,
                                first_outcome, last_outcome, runs)
        select * from fresh
        on conflict (serial_number, operation) do update set first_run_id = excluded.first_run_id,
          first_started_at = excluded.first_started_at, first_station_id = excluded.first_station_id,
          first_outcome = excluded.first_outcome, last_outcome = excluded.last_outcome, runs = excluded.runs
        returning 1),
      gone as (
        delete from unit_yield y using k
        where y.serial_number = k.s and y.operation = k.op
          and not exists (select 1 from fresh f where f.serial_number = k.s and f.operation = k.op)
        returning 1),
      delta as (
        select date_trunc('hour', first_started_at, 'UTC') as hour, first_station_id as station_id, operation,
               sum(sign)::int as units, sum(sign * (first_outcome = 'PASS')::int)::int as first_pass,
               sum(sign * (last_outcome = 'PASS')::int)::int as final_pass,
               sum(sign * (runs > 1)::int)::int as retested, sum(sign * runs)::int as runs
        from (select *, 1 as sign from fresh union all select *, -1 from stored) d
        group by 1, 2, 3),
      hourly as (
        insert into unit_yield_hourly as h (hour, station_id, operation, units, first_pass, final_pass, retested,
                                            runs)
        select * from delta
        where (units, first_pass, final_pass, retested, runs) <> (0, 0, 0, 0, 0)
        order by hour, station_id, operation
        on conflict (hour, station_id, operation) do update set units = h.units + excluded.units,
          first_pass = h.first_pass + excluded.first_pass, final_pass = h.final_pass + excluded.final_pass,
          retested = h.retested + excluded.retested, runs = h.runs + excluded.runs
        returning 1)
      select (select count(*) from written), (select count(*) from gone), (select count(*) from hourly)"""
      .formatted(KEYS);

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
         PreparedStatement rewrite = c.prepareStatement(REWRITE)) {
      for (PreparedStatement ps : List.of(lock, rewrite)) {
        ps.setArray(1, serials);
        ps.setArray(2, operations);
      }
      lock.executeQuery().close();
      try (ResultSet rs = rewrite.executeQuery()) {
        rs.next();
        stats.rows("unit_yield", rs.getInt(1));
        stats.rows("unit_yield_hourly", rs.getInt(3));
      }
    }
  }
}
