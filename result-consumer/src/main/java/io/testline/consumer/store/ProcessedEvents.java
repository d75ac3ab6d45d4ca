package io.testline.consumer.store;

import io.testline.schemas.Event;
import io.testline.schemas.RunAttachment;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.ShopfloorVerdict;
import io.testline.text.StorableText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The idempotency guard: {@code processed_events} holds every event id stored, so a redelivered event is skipped. */
final class ProcessedEvents {

  private static final String MARK_PROCESSED = """
      insert into processed_events (event_id, schema, station_id, kafka_topic, kafka_partition, kafka_offset, run_id)
      select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[], ?::uuid[])
      on conflict (event_id) do nothing
      returning event_id""";

  private ProcessedEvents() {}

  /** Records the batch's event ids and returns the events not seen before, first occurrence only, in order. */
  static List<Event<?>> markProcessed(Connection c, List<StoredEvent> events) throws SQLException {
    int n = events.size();
    UUID[] ids = new UUID[n];
    String[] schemas = new String[n];
    String[] stations = new String[n];
    String[] topics = new String[n];
    Integer[] partitions = new Integer[n];
    Long[] offsets = new Long[n];
    UUID[] runs = new UUID[n];
    for (int i = 0; i < n; i++) {
      StoredEvent e = events.get(i);
      ids[i] = e.event().eventId();
      schemas[i] = e.event().schema();
      stations[i] = StorableText.readable(e.event().stationId());
      topics[i] = e.topic();
      partitions[i] = e.partition();
      offsets[i] = e.offset();
      runs[i] = runId(e.event());
    }
    Set<UUID> inserted = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(MARK_PROCESSED)) {
      ps.setArray(1, c.createArrayOf("uuid", ids));
      ps.setArray(2, c.createArrayOf("text", schemas));
      ps.setArray(3, c.createArrayOf("text", stations));
      ps.setArray(4, c.createArrayOf("text", topics));
      ps.setArray(5, c.createArrayOf("int4", partitions));
      ps.setArray(6, c.createArrayOf("int8", offsets));
      ps.setArray(7, c.createArrayOf("uuid", runs));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.add(rs.getObject(1, UUID.class));
        }
      }
    }
    List<Event<?>> fresh = new ArrayList<>(inserted.size());
    for (StoredEvent e : events) {
      if (inserted.remove(e.event().eventId())) {
        fresh.add(e.event());
      }
    }
    return fresh;
  }

  /** The run an event belongs to, so the run page can show where each of its events was read; null for others. */
  private static UUID runId(Event<?> event) {
    Object data = event.data();
    if (data instanceof RunStarted d) {
      return d.runId();
    } else if (data instanceof RunStep d) {
      return d.runId();
    } else if (data instanceof RunLog d) {
      return d.runId();
    } else if (data instanceof RunAttachment d) {
      return d.runId();
    } else if (data instanceof RunFinished d) {
      return d.runId();
    } else if (data instanceof ShopfloorVerdict d) {
      return d.runId();
    }
    return null;
  }
}
