package io.testline.agent.journal;

import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.Payload;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The events waiting to be published ({@code events}) and this agent session's sequence ({@code sessions}).
 *
 * <p>Events are added on the writer thread ({@link #add}, inside a {@link JournalStore} batch), which gives each the
 * next seq: the journal's order (ascending id, the publish order) is the order of seq. The next seq is written with
 * the batch that used it and restored when that batch is rolled back, so no seq is given twice and none is skipped
 * but those {@link #reserveSeq reserved} for the MQTT Will.
 */
final class Outbox implements JournalStore.BatchState {
  private final JournalStore store;
  private final Backlog backlog;
  private final String stationId;
  private final UUID agentSession;
  private final Clock clock;
  private long nextSeq;
  private long seqBefore;

  Outbox(JournalStore store, Backlog backlog, String stationId, UUID agentSession, Clock clock) {
    this.store = store;
    this.backlog = backlog;
    this.stationId = stationId;
    this.agentSession = agentSession;
    this.clock = clock;
  }

  /** Records the agent session, whose seq starts at 0; run at open, before the writer starts. */
  void registerSession(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT OR IGNORE INTO sessions(session, started_ms, next_seq) VALUES (?, ?, 0)")) {
      ps.setString(1, agentSession.toString());
      ps.setLong(2, clock.millis());
      ps.executeUpdate();
    }
  }

  /** Journals {@code payload} as the session's next event, inside the writer's current batch. */
  Event<?> add(Connection connection, Payload payload, Instant occurredAt) throws SQLException {
    Event<?> event = Event.of(stationId, agentSession, nextSeq, occurredAt, payload);
    insert(connection, event);
    nextSeq++;
    return event;
  }

  /** Takes the next seq without journaling anything: for the MQTT Will, which the broker publishes. */
  long reserveSeq() {
    return store.write(connection -> nextSeq++);
  }

  /** Up to {@code limit} unsent events with an id above {@code afterId}, in publish order. */
  List<JournalEntry> readAfter(long afterId, int limit) {
    return store.read(connection -> {
      try (PreparedStatement ps = connection.prepareStatement(
          "SELECT id, type, topic, retained, payload, created_ms FROM events WHERE id > ? AND acked_ms IS NULL"
              + " ORDER BY id LIMIT ?")) {
        ps.setLong(1, afterId);
        ps.setInt(2, limit);
        List<JournalEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new JournalEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
                rs.getBytes(5), rs.getLong(6)));
          }
        }
        return out;
      }
    });
  }

  /** Removes these events from the journal. */
  void delete(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<Long> copy = List.copyOf(ids);
    store.write(connection -> {
      long freed = 0;
      try (PreparedStatement size = connection.prepareStatement("SELECT length(payload) FROM events WHERE id = ?");
           PreparedStatement ps = connection.prepareStatement("DELETE FROM events WHERE id = ?")) {
        for (long id : copy) {
          size.setLong(1, id);
          try (ResultSet rs = size.executeQuery()) {
            if (rs.next()) {
              freed += rs.getLong(1) + Backlog.ROW_OVERHEAD_BYTES;
            }
          }
          ps.setLong(1, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      backlog.freed(freed);
      return null;
    });
  }

  @Override
  public void begin() {
    seqBefore = nextSeq;
  }

  @Override
  public void beforeCommit(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("UPDATE sessions SET next_seq = ? WHERE session = ?")) {
      ps.setLong(1, nextSeq);
      ps.setString(2, agentSession.toString());
      ps.executeUpdate();
    }
  }

  @Override
  public void rollback() {
    nextSeq = seqBefore;
  }

  @Override
  public boolean changed() {
    return nextSeq != seqBefore;
  }

  private void insert(Connection connection, Event<?> event) throws SQLException {
    byte[] payload = EventJson.toBytes(event);
    MessageType type = event.type();
    try (PreparedStatement ps = connection.prepareStatement(
        "INSERT INTO events(session, seq, type, topic, retained, payload, created_ms, run_id)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, event.agentSession().toString());
      ps.setLong(2, event.seq());
      ps.setString(3, type.typeName());
      ps.setString(4, Topics.mqttTopic(stationId, Topics.mqttKindOf(type)));
      ps.setInt(5, type == MessageType.STATION_BIRTH ? 1 : 0);
      ps.setBytes(6, payload);
      ps.setLong(7, clock.millis());
      UUID runId = runIdOf(event.data());
      ps.setString(8, runId == null ? null : runId.toString());
      ps.executeUpdate();
    }
    backlog.added(payload.length);
  }

  /** The run an event belongs to, whose confirmation it waits for; null for station events and attachments. */
  static UUID runIdOf(Payload payload) {
    if (payload instanceof RunStarted p) {
      return p.runId();
    } else if (payload instanceof RunStep p) {
      return p.runId();
    } else if (payload instanceof RunLog p) {
      return p.runId();
    } else if (payload instanceof RunFinished p) {
      return p.runId();
    }
    // a run.attachment chunk is journaled after run.finished, often after the run's verdict confirmed it: kept with
    // the run it would wait for a confirmation that already came; it is kept and pruned like a station event instead
    return null;
  }
}
