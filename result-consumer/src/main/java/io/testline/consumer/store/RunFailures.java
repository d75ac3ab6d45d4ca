package io.testline.consumer.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.UUID;

/**
 * Keeps {@code run_failures} (migration V27), one row per finished run that did not pass with its first failing
 * step, equal to what runs and steps hold: the rows of the runs a batch finished are rewritten from their stored
 * rows in the same transaction. A run's steps are replaced by its run.finished and never changed after it, so the
 * run.finished is the only event that can change a row; rewriting makes redelivery and re-emission converge.
 */
final class RunFailures {

  private static final String DELETE = "delete from run_failures where run_id = any(?::uuid[])";

  private static final String INSERT = """
      insert into run_failures (run_id, started_at, station_id, operation, step, outcome)
      select r.run_id, r.started_at, r.station_id, r.operation, fs.step, r.outcome
      from runs r left join lateral (
        select coalesce(s.path, s.name) as step from steps s
        where s.run_id = r.run_id and s.outcome in ('FAIL', 'ERROR') order by s.step_index limit 1) fs on true
      where r.run_id = any(?::uuid[]) and r.finished and r.outcome <> 'PASS'""";

  private RunFailures() {}

  /** Rewrites the rows of {@code finishedRunIds} from their stored runs and steps. */
  static void refresh(Connection c, Collection<UUID> finishedRunIds, WriteStats stats) throws SQLException {
    if (finishedRunIds.isEmpty()) {
      return;
    }
    Array ids = c.createArrayOf("uuid", finishedRunIds.toArray(new UUID[0]));
    try (PreparedStatement delete = c.prepareStatement(DELETE);
         PreparedStatement insert = c.prepareStatement(INSERT)) {
      delete.setArray(1, ids);
      delete.executeUpdate();
      insert.setArray(1, ids);
      stats.rows("run_failures", insert.executeUpdate());
    }
  }
}
