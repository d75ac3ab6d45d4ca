package io.testline.consumer.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

/**
 * Keeps {@code measurement_points} (migration V24) equal to what runs, steps and measurements hold: a run's points
 * are rewritten from its stored rows after every write that touched the run, in the same transaction. Derived
 * rather than written from the event, so arrival order, redelivery and a run.started after its steps all converge.
 */
final class MeasurementPoints {

  private static final String DELETE = "delete from measurement_points where run_id = any(?::uuid[])";

  private static final String INSERT = """
      insert into measurement_points (run_id, step_index, ordinal, operation, step, name, started_at, station_id,
                                      value, unit, low_limit, high_limit)
      select m.run_id, m.step_index, m.ordinal, r.operation, coalesce(s.path, s.name), m.name, r.started_at,
             r.station_id, m.value, m.unit, m.low_limit, m.high_limit
      from measurements m
      join steps s on s.run_id = m.run_id and s.step_index = m.step_index
      join runs r on r.run_id = m.run_id
      where m.run_id = any(?::uuid[]) and m.value > '-Infinity'::float8 and m.value < 'Infinity'::float8""";

  private MeasurementPoints() {}

  /** Rewrites the points of {@code runIds} from their stored rows. */
  static void refresh(Connection c, Collection<UUID> runIds, WriteStats stats) throws SQLException {
    if (runIds.isEmpty()) {
      return;
    }
    Array ids = c.createArrayOf("uuid", runIds.toArray(new UUID[0]));
    try (PreparedStatement delete = c.prepareStatement(DELETE);
         PreparedStatement insert = c.prepareStatement(INSERT)) {
      delete.setArray(1, ids);
      delete.executeUpdate();
      insert.setArray(1, ids);
      stats.rows("measurement_points", insert.executeUpdate());
    }
  }
}
