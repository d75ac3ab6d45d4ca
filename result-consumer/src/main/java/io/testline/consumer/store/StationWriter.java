package io.testline.consumer.store;

import static io.testline.consumer.store.SqlParams.setBool;
import static io.testline.consumer.store.SqlParams.setTime;

import io.testline.schemas.Event;
import io.testline.schemas.StationBirth;
import io.testline.schemas.StationDeath;
import io.testline.schemas.StationHeartbeat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Writes station birth, death and heartbeat into the station's row, each column group moving forward only. */
final class StationWriter {

  /**
   * When an event sets the station's state: it is newer than the event that set it, or it is the Will of the
   * connection the latest birth opened (a non-graceful death of the same agent session carrying the seq that birth
   * named). The Will's time is taken when it is registered at connect, before the birth and heartbeats it ends, so
   * time alone would keep a killed agent's station online forever; a stale Will of an earlier connection carries
   * another seq and changes nothing.
   */
  private static final String SETS_STATE = """
      ((excluded.state_at, excluded.state_seq, excluded.state_event_id) > (s.state_at, s.state_seq, s.state_event_id)
       or excluded.death_graceful = false and excluded.agent_session = s.agent_session
          and excluded.state_seq = s.will_seq)""";

  /**
   * One statement for birth, death and heartbeat. The state moves as {@link #SETS_STATE} says; every other column
   * group moves forward only when the event is newer than the one that set it. Written as INSERT ... SELECT on
   * purpose: the driver does not merge it into a multi-row statement, so several events of one station in a batch
   * apply one after the other.
   */
  private static final String UPSERT_STATION = """
      insert into stations as s (station_id, state, state_at, state_seq, state_event_id, agent_session,
                            agent_version, config_hash, site, line, hostname, os, labels, birth_at,
                            death_at, death_graceful, death_reason, heartbeat_at, heartbeat, birth_originals,
                            death_originals, heartbeat_originals, will_seq)
      select ?::text, ?::text, ?::timestamptz, ?::bigint, ?::uuid, ?::uuid,
             ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::jsonb, ?::timestamptz,
             ?::timestamptz, ?::boolean, ?::text, ?::timestamptz, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?::bigint
      on conflict (station_id) do update set
        state = case when %1$s then excluded.state else s.state end,
        agent_session = case when %1$s then excluded.agent_session else s.agent_session end,
        state_seq = case when %1$s then excluded.state_seq else s.state_seq end,
        state_event_id = case when %1$s then excluded.state_event_id else s.state_event_id end,
        state_at = greatest(excluded.state_at, s.state_at),
        agent_version = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.agent_version else s.agent_version end,
        config_hash = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.config_hash else s.config_hash end,
        site = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.site else s.site end,
        line = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.line else s.line end,
        hostname = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.hostname else s.hostname end,
        os = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.os else s.os end,
        labels = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.labels else s.labels end,
        birth_originals = case when excluded.birth_at >= s.birth_at
                          or s.birth_at is null and excluded.birth_at is not null
                          then excluded.birth_originals else s.birth_originals end,
        will_seq = case when excluded.birth_at >= s.birth_at or s.birth_at is null and excluded.birth_at is not null
                          then excluded.will_seq else s.will_seq end,
        birth_at = greatest(excluded.birth_at, s.birth_at),
        death_graceful = case when excluded.death_at >= s.death_at or s.death_at is null and excluded.death_at is not null
                          then excluded.death_graceful else s.death_graceful end,
        death_reason = case when excluded.death_at >= s.death_at or s.death_at is null and excluded.death_at is not null
                          then excluded.death_reason else s.death_reason end,
        death_originals = case when excluded.death_at >= s.death_at
                          or s.death_at is null and excluded.death_at is not null
                          then excluded.death_originals else s.death_originals end,
        death_at = greatest(excluded.death_at, s.death_at),
        heartbeat = case when excluded.heartbeat_at >= s.heartbeat_at
                          or s.heartbeat_at is null and excluded.heartbeat_at is not null
                          then excluded.heartbeat else s.heartbeat end,
        heartbeat_originals = case when excluded.heartbeat_at >= s.heartbeat_at
                          or s.heartbeat_at is null and excluded.heartbeat_at is not null
                          then excluded.heartbeat_originals else s.heartbeat_originals end,
        heartbeat_at = greatest(excluded.heartbeat_at, s.heartbeat_at)""".formatted(SETS_STATE);

  private StationWriter() {}

  static void writeStations(Connection c, WritePlan plan, WriteStats stats) throws SQLException {
    if (plan.stationEvents.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(UPSERT_STATION)) {
      for (Event<?> e : plan.stationEvents) {
        StationBirth birth = e.data() instanceof StationBirth b ? b : null;
        StationDeath death = e.data() instanceof StationDeath d ? d : null;
        StationHeartbeat heartbeat = e.data() instanceof StationHeartbeat h ? h : null;
        // each column group keeps the originals of its own values (and of the station id it came with)
        Originals bo = new Originals();
        Originals d = new Originals();
        Originals ho = new Originals();
        Originals own = birth != null ? bo : death != null ? d : ho;
        int i = 1;
        ps.setString(i++, own.text("station_id", e.stationId()));
        ps.setString(i++, death != null ? "OFFLINE" : "ONLINE");
        setTime(ps, i++, e.occurredAt());
        ps.setLong(i++, e.seq());
        ps.setObject(i++, e.eventId());
        ps.setObject(i++, e.agentSession());
        ps.setString(i++, birth == null ? null : bo.text("agent_version", birth.agentVersion()));
        ps.setString(i++, birth == null ? null : bo.text("config_hash", birth.configHash()));
        ps.setString(i++, birth == null ? null : bo.text("site", birth.site()));
        ps.setString(i++, birth == null ? null : bo.text("line", birth.line()));
        ps.setString(i++, birth == null ? null : bo.text("hostname", birth.hostname()));
        ps.setString(i++, birth == null ? null : bo.text("os", birth.os()));
        ps.setString(i++, birth == null ? null : bo.json("labels", birth.labels()));
        setTime(ps, i++, birth == null ? null : e.occurredAt());
        setTime(ps, i++, death == null ? null : e.occurredAt());
        setBool(ps, i++, death == null ? null : death.graceful());
        ps.setString(i++, death == null ? null : d.text("death_reason", death.reason()));
        setTime(ps, i++, heartbeat == null ? null : e.occurredAt());
        ps.setString(i++, heartbeat == null ? null : ho.json("heartbeat", heartbeat));
        ps.setString(i++, bo.toJson());
        ps.setString(i++, d.toJson());
        ps.setString(i++, ho.toJson());
        ps.setObject(i, birth == null ? null : birth.willSeq(), java.sql.Types.BIGINT);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    stats.rows("stations", plan.stationEvents.size());
  }
}
