package io.testline.consumer.store;

import io.testline.schemas.Event;
import io.testline.schemas.ShopfloorVerdict;
import java.sql.Connection;
import java.sql.SQLException;

/** Writes shopfloor verdicts, one {@code unnest} statement per batch; a run's verdict only moves forward. */
final class VerdictWriter {

  private static final String UPSERT_VERDICTS = """
      insert into verdicts (run_id, serial_number, station_id, verdict, code, message, attempts, latency_ms,
                            shopfloor_reference, occurred_at, event_id, originals)
      select v.run_id, v.serial_number, v.station_id, v.verdict, v.code, v.message, v.attempts, v.latency_ms,
             v.shopfloor_reference, v.occurred_at::timestamptz, v.event_id, v.originals::jsonb
      from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[], ?::text[],
                  ?::text[], ?::uuid[], ?::text[])
        as v(run_id, serial_number, station_id, verdict, code, message, attempts, latency_ms, shopfloor_reference,
             occurred_at, event_id, originals)
      on conflict (run_id) do update set
        serial_number = excluded.serial_number, station_id = excluded.station_id, verdict = excluded.verdict,
        code = excluded.code, message = excluded.message, attempts = excluded.attempts,
        latency_ms = excluded.latency_ms, shopfloor_reference = excluded.shopfloor_reference,
        occurred_at = excluded.occurred_at, event_id = excluded.event_id, originals = excluded.originals
      where (excluded.occurred_at, excluded.event_id) > (verdicts.occurred_at, verdicts.event_id)""";

  private static final Columns.Type[] VERDICT_COLUMNS = {
      Columns.Type.UUID, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT, Columns.Type.TEXT,
      Columns.Type.TEXT, Columns.Type.INT, Columns.Type.BIGINT, Columns.Type.TEXT, Columns.Type.TIME,
      Columns.Type.UUID, Columns.Type.TEXT};

  private VerdictWriter() {}

  static void writeVerdicts(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.verdicts.isEmpty()) {
      return;
    }
    Columns verdicts = new Columns(VERDICT_COLUMNS);
    for (Event<ShopfloorVerdict> e : plan.verdicts.values()) {
      ShopfloorVerdict v = e.data();
      Originals o = new Originals();
      verdicts.row(v.runId(), o.text("serial_number", v.serialNumber()), o.text("station_id", e.stationId()),
          v.verdict().name(), o.text("code", v.code()), o.text("message", v.message()), v.attempts(), v.latencyMs(),
          o.text("shopfloor_reference", v.shopfloorReference()), e.occurredAt(), e.eventId(), o.toJson());
    }
    verdicts.execute(c, UPSERT_VERDICTS);
    stats.rows("verdicts", plan.verdicts.size());
  }
}
