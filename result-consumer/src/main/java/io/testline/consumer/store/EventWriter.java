package io.testline.consumer.store;

import io.testline.schemas.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Stores events in the result tables, idempotently, inside the caller's transaction.
 *
 * <p>Every event id is first recorded in {@code processed_events}; events already there are skipped, so a
 * redelivered batch is a no-op. Beyond that, every row is an upsert on its natural key, and the statements are
 * guarded so that arrival order does not matter: run.finished replaces a run's description, steps and
 * measurements; a run.started or run.step arriving after it changes nothing; a station's state and a run's verdict
 * only move forward in (occurredAt, seq, eventId) order; log and attachment chunks need no run row.
 *
 * <p>The bulk of a batch (finished runs with their steps and measurements, log chunks, verdicts) is written as one
 * {@code unnest} statement per table ({@link Columns}): one round trip and one parse per table and batch. The rarer
 * live statements stay batched row by row.
 *
 * <p>Then the web's derived tables are brought up to date from what is stored ({@code unit_yield} and its hourly
 * sums for the units of finished runs, {@code run_failures} for finished runs, {@code measurement_points} for every
 * run touched), in the same transaction.
 *
 * <p>Stateless and thread-safe; the caller owns the connection and its transaction.
 */
public final class EventWriter {

  /**
   * Stores {@code events} in the connection's current transaction; the caller commits.
   *
   * @throws SQLException as the driver reports it; the caller classifies it and rolls back
   * @throws UnstorableEventException for an event that can never be stored
   */
  public WriteStats write(Connection connection, List<StoredEvent> events) throws SQLException {
    WriteStats stats = new WriteStats();
    if (events.isEmpty()) {
      return stats;
    }
    List<Event<?>> fresh = ProcessedEvents.markProcessed(connection, events);
    stats.applied(fresh.size());
    stats.duplicates(events.size() - fresh.size());
    stats.rows("processed_events", fresh.size());
    if (fresh.isEmpty()) {
      return stats;
    }
    WritePlan plan = WritePlan.of(fresh);
    // a re-emitted run.finished may move a run to another unit: that unit's row is recomputed too
    Set<UnitYield.Unit> unitsBefore = UnitYield.unitsOf(connection, plan.finished.keySet());
    RunWriter.writeStarted(connection, plan, stats);
    RunWriter.writeFinished(connection, plan, stats);
    LiveStepWriter.writeLiveSteps(connection, plan, stats);
    LogWriter.writeLogs(connection, plan, stats);
    AttachmentWriter.writeAttachments(connection, plan, stats);
    VerdictWriter.writeVerdicts(connection, plan, stats);
    StationWriter.writeStations(connection, plan, stats);
    // the web's derived tables, from the rows just written
    UnitYield.refresh(connection, unitsBefore, plan.finished.keySet(), stats);
    RunFailures.refresh(connection, plan.finished.keySet(), stats);
    MeasurementPoints.refresh(connection, plan.runsWithMeasurements(), stats);
    return stats;
  }
}
