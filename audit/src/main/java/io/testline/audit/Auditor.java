package io.testline.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.testline.audit.AuditReport.DeadLetterRef;
import io.testline.audit.AuditReport.Gap;
import io.testline.audit.Reconciler.SeenRun;
import io.testline.audit.Reconciler.StoredRun;
import io.testline.kafka.TopicWindow;
import io.testline.kafka.DeadLetterHeaders;
import io.testline.schemas.EventJson;
import io.testline.schemas.MessageType;
import io.testline.schemas.TopicNames;
import io.testline.schemas.Topics;
import io.testline.schemas.SeqGap;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reconciles a time window across Kafka (the system of record), the result database and the shopfloor ledger:
 * reads {@code run.started} and {@code run.finished} of the window from the events topic (finishes up to the end of
 * the topic, so a run that started in the window and finished after it counts as finished), the sequence-gap and
 * dead-letter topics of the window, then looks every run up in both databases.
 */
public final class Auditor {
  private static final int SAMPLE_LIMIT = 100;

  /** Where to look. The ledger may live in its own database; {@code ledgerDb} null means the result database. */
  public record Sources(Map<String, Object> kafkaProps, TopicNames topics, Connector resultsDb, Connector ledgerDb) {}

  /** Opens a connection to a database: a {@link Db}, or a pool's {@code dataSource::getConnection}. */
  @FunctionalInterface
  public interface Connector {
    Connection connect() throws SQLException;
  }

  /** A JDBC database by URL, as the command line names it. */
  public record Db(String url, String user, String password) implements Connector {
    @Override
    public Connection connect() throws SQLException {
      return DriverManager.getConnection(url, user, password);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
      return "Db[url=" + url + ", user=" + user + ", password=" + (password == null || password.isEmpty() ? "(none)"
          : "(hidden)") + "]";
    }
  }

  private final Sources sources;
  private final Clock clock;

  public Auditor(Sources sources, Clock clock) {
    this.sources = sources;
    this.clock = clock;
  }

  /** Audits every station and serial number of {@code [from, to)}. */
  public AuditReport audit(Instant from, Instant to) throws SQLException {
    return audit(from, to, AuditScope.ALL);
  }

  /** Audits what of {@code [from, to)} is in {@code scope}: the same checks, on its runs, gaps and dead letters. */
  public AuditReport audit(Instant from, Instant to, AuditScope scope) throws SQLException {
    Instant auditedAt = clock.instant();
    TopicWindow window = new TopicWindow(sources.kafkaProps());
    Map<UUID, SeenRun> seen = new LinkedHashMap<>();
    window.read(sources.topics().events(), from, to, r -> see(seen, r, scope));
    // finishes after the window: only for runs the window holds
    window.read(sources.topics().events(), to, null, r -> {
      JsonNode event = tree(r.value());
      if (event != null && MessageType.RUN_FINISHED.schemaId().equals(event.path("schema").asText())) {
        UUID runId = runId(event);
        if (runId != null && seen.containsKey(runId)) {
          see(seen, r, null);
        }
      }
    });

    // gaps detected in the window, and the records that closed them, up to now (a resend may come after the window)
    List<Gap> gapRecords = new ArrayList<>();
    window.read(sources.topics().seqGaps(), from, null, r -> {
      JsonNode g = tree(r.value());
      if (g == null || !scope.matchesStation(g.path("stationId").asText())) {
        return;
      }
      String cause = g.path("cause").asText();
      if (SeqGap.FILLED.equals(cause) || r.timestamp() < to.toEpochMilli()) {
        gapRecords.add(new Gap(g.path("stationId").asText(), g.path("agentSession").asText(),
            g.path("fromSeq").asLong(), g.path("toSeq").asLong(), cause));
      }
    });
    List<Gap> gaps = Reconciler.openGaps(gapRecords);
    if (!gaps.isEmpty()) {
      gaps = Reconciler.notHeld(gaps, heldSeqs(window, gaps));
    }

    Map<String, Long> deadLetters = new TreeMap<>();
    List<DeadLetterRef> samples = new ArrayList<>();
    window.read(sources.topics().deadLetter(), from, to, r -> {
      if (!scope.matchesMqttTopic(DeadLetterHeaders.text(r.headers(), Topics.HEADER_MQTT_TOPIC))) {
        return;
      }
      String reason = DeadLetterHeaders.reason(r.headers());
      deadLetters.merge(reason == null ? "UNKNOWN" : reason, 1L, Long::sum);
      if (samples.size() < SAMPLE_LIMIT) {
        samples.add(new DeadLetterRef(reason, DeadLetterHeaders.detail(r.headers()),
            DeadLetterHeaders.text(r.headers(), Topics.HEADER_MQTT_TOPIC), DeadLetterHeaders.component(r.headers()),
            r.partition(), r.offset()));
      }
    });

    UUID[] ids = seen.keySet().toArray(UUID[]::new);
    Map<UUID, StoredRun> stored = storedRuns(ids);
    Map<UUID, String> ledger = ledgerStates(ids);
    return Reconciler.reconcile(from, to, auditedAt, seen.values(), stored, ledger, gaps, deadLetters, samples);
  }

  /**
   * The seqs the sequenced topics hold of the sessions of {@code gaps}: read from the start of the earliest of those
   * sessions (a UUIDv7 agent session id carries its start time; a day earlier for a station clock ahead of the
   * bridge's), or from the beginning when a session id does not tell.
   */
  private Map<String, Set<Long>> heldSeqs(TopicWindow window, List<Gap> gaps) {
    Map<String, Set<Long>> held = new HashMap<>();
    Instant since = Instant.now();
    for (Gap g : gaps) {
      held.put(Reconciler.session(g.stationId(), g.agentSession()), new HashSet<>());
      // never before the epoch: Kafka refuses a negative time to look up offsets by
      since = min(since, max(Instant.EPOCH, sessionStart(g.agentSession()).minus(Duration.ofDays(1))));
    }
    for (String topic : sources.topics().sequenced()) {
      window.read(topic, since, null, r -> {
        JsonNode e = tree(r.value());
        if (e == null || !e.path("seq").canConvertToLong()) {
          return;
        }
        Set<Long> seqs = held.get(Reconciler.session(e.path("stationId").asText(), e.path("agentSession").asText()));
        if (seqs != null) {
          seqs.add(e.path("seq").asLong());
          // as the detector does: birth and goodbye name the seq reserved for the Will, which then never comes
          JsonNode willSeq = e.path("data").path("willSeq");
          String schema = e.path("schema").asText();
          if (willSeq.canConvertToLong() && (MessageType.STATION_BIRTH.schemaId().equals(schema)
              || MessageType.STATION_DEATH.schemaId().equals(schema))) {
            seqs.add(willSeq.asLong());
          }
        }
      });
    }
    return held;
  }

  private static Instant sessionStart(String agentSession) {
    try {
      UUID id = UUID.fromString(agentSession);
      return id.version() == 7 ? Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16) : Instant.EPOCH;
    } catch (IllegalArgumentException e) {
      return Instant.EPOCH;
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** {@code newRuns}: the scope a run not seen yet must be in to be added; null adds none. */
  private static void see(Map<UUID, SeenRun> seen, ConsumerRecord<byte[], byte[]> r, AuditScope newRuns) {
    JsonNode event = tree(r.value());
    if (event == null) {
      return;
    }
    String schema = event.path("schema").asText();
    boolean started = MessageType.RUN_STARTED.schemaId().equals(schema);
    boolean finished = MessageType.RUN_FINISHED.schemaId().equals(schema);
    UUID runId = runId(event);
    if (!(started || finished) || runId == null) {
      return;
    }
    SeenRun before = seen.get(runId);
    JsonNode data = event.path("data");
    String serial = data.path("serialNumber").asText(null);
    String station = event.path("stationId").asText(null);
    if (before == null && (newRuns == null || !newRuns.matchesRun(station, serial))) {
      return;
    }
    String outcome = finished ? data.path("outcome").asText(null) : before == null ? null : before.outcome();
    seen.put(runId, new SeenRun(runId, serial != null ? serial : before.serialNumber(),
        station != null ? station : before.stationId(),
        started || (before != null && before.started()), finished || (before != null && before.finished()),
        outcome));
  }

  private Map<UUID, StoredRun> storedRuns(UUID[] ids) throws SQLException {
    Map<UUID, StoredRun> stored = new HashMap<>();
    try (Connection c = sources.resultsDb().connect();
         PreparedStatement ps = c.prepareStatement("SELECT r.run_id, r.finished, v.verdict, v.code, v.message"
             + " FROM runs r LEFT JOIN verdicts v ON v.run_id = r.run_id WHERE r.run_id = ANY(?)"
             + " UNION ALL SELECT v.run_id, false, v.verdict, v.code, v.message FROM verdicts v"
             + " WHERE v.run_id = ANY(?) AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_id = v.run_id)")) {
      Array array = c.createArrayOf("uuid", ids);
      ps.setArray(1, array);
      ps.setArray(2, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getObject(1, UUID.class), new StoredRun(rs.getBoolean(2), rs.getString(3), rs.getString(4),
              rs.getString(5)));
        }
      }
    }
    return stored;
  }

  private Map<UUID, String> ledgerStates(UUID[] ids) throws SQLException {
    Connector db = sources.ledgerDb() != null ? sources.ledgerDb() : sources.resultsDb();
    Map<UUID, String> states = new HashMap<>();
    try (Connection c = db.connect();
         PreparedStatement ps = c.prepareStatement(
             "SELECT run_id, state FROM shopfloor_submission WHERE run_id = ANY(?)")) {
      ps.setArray(1, c.createArrayOf("uuid", ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          states.put(rs.getObject(1, UUID.class), rs.getString(2));
        }
      }
    }
    return states;
  }

  private static UUID runId(JsonNode event) {
    String text = event.path("data").path("runId").asText(null);
    try {
      return text == null ? null : UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The JSON of a record, or null when it is not JSON (the bridge keeps such input out of these topics). */
  private static JsonNode tree(byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      return EventJson.mapper().readTree(value);
    } catch (IOException e) {
      return null;
    }
  }
}
