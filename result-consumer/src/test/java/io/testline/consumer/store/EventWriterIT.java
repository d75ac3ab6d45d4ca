package io.testline.consumer.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.support.Env;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.schemas.Event;
import io.testline.schemas.Measurement;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.StationDeath;
import io.testline.schemas.StationHeartbeat;
import io.testline.schemas.StationBirth;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The writer's order-independence rules, on a real database, one transaction per delivered batch. */
@ExtendWith(RealBrokers.class)
class EventWriterIT {
  private final Batches batches = new Batches();

  @Test
  void a_finished_run_is_not_overwritten_by_a_late_started_or_step_with_new_event_ids(Database db) throws Exception {
    Batches.migrate(db);
    Run run = RunFixture.runs(1, 0).get(0);
    Event<?> started = run.events().get(0);
    RunStep step = (RunStep) run.events().get(2).data();
    Step changed = new Step("changed", step.step().path(), step.step().index(), null, null, StepOutcome.ERROR,
        null, null, null, null);
    Event<?> lateStep = Event.of(run.station(), started.agentSession(), 7, started.occurredAt(),
        new RunStep(run.runId(), run.serial(), changed));
    RunStarted s = (RunStarted) started.data();
    Event<?> lateStarted = Event.of(run.station(), started.agentSession(), 8, started.occurredAt().minusSeconds(99),
        new RunStarted(s.runId(), s.serialNumber(), s.units(), "OTHER", null, s.program(), null, null, 1, null, null));
    Event<?> extraStep = Event.of(run.station(), started.agentSession(), 9, started.occurredAt(),
        new RunStep(run.runId(), run.serial(), new Step("extra", null, 5, null, null, StepOutcome.PASS, null, null,
            null, null)));

    write(db, run.events());
    java.util.Map<String, String> before = Env.dump(db);
    write(db, List.of(lateStep, lateStarted));
    write(db, List.of(extraStep));

    assertThat(Env.count(db, "select count(*) from steps")).isEqualTo(2);
    assertThat(Env.count(db, "select count(*) from steps where name = 'changed' or name = 'extra'")).isZero();
    assertThat(Env.count(db, "select count(*) from runs where part_number = 'PCB-1' and finished")).isEqualTo(1);
    assertThat(Env.count(db, "select count(*) from processed_events")).isEqualTo(7);
    java.util.Map<String, String> after = Env.dump(db);
    for (String table : List.of("runs", "steps", "measurements")) {
      assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
    }
  }

  @Test
  void a_run_finished_replaces_live_steps_and_a_log_chunk_needs_no_run(Database db) throws Exception {
    Batches.migrate(db);
    Run run = RunFixture.runs(1, 0).get(0);
    write(db, run.logs());
    assertThat(Env.count(db, "select count(*) from log_chunks")).isEqualTo(run.logs().size());
    assertThat(Env.count(db, "select count(*) from runs")).isZero();

    write(db, List.of(run.events().get(0), run.events().get(1), run.events().get(2)));
    assertThat(Env.count(db, "select count(*) from runs where not finished")).isEqualTo(1);
    assertThat(Env.count(db, "select count(*) from measurements")).isEqualTo(2);

    write(db, List.of(run.events().get(3)));
    write(db, run.events());
    assertThat(Env.count(db, "select count(*) from runs where finished")).isEqualTo(1);
    assertThat(Env.count(db, "select count(*) from steps")).isEqualTo(2);
    assertThat(Env.count(db, "select count(*) from measurements")).isEqualTo(2);
  }

  @Test
  void an_older_station_event_never_regresses_the_last_state(Database db) throws Exception {
    Batches.migrate(db);
    List<Event<?>> events = RunFixture.stationEvents().subList(0, 3);
    Event<?> birth = events.get(0);
    Event<?> oldDeath = Event.of(birth.stationId(), birth.agentSession(), 0, birth.occurredAt().minusSeconds(10),
        new StationDeath(false, "old"));
    Event<?> newDeath = Event.of(birth.stationId(), birth.agentSession(), 3, birth.occurredAt().plusSeconds(7200),
        new StationDeath(true, "shutdown"));

    write(db, events);
    write(db, List.of(oldDeath));
    assertThat(Env.count(db, "select count(*) from stations where state = 'ONLINE' and death_reason = 'old'"))
        .isEqualTo(1);
    write(db, List.of(newDeath));
    write(db, List.of(events.get(2)));
    assertThat(Env.count(db, "select count(*) from stations where state = 'OFFLINE' and death_reason = 'shutdown' "
        + "and (heartbeat ->> 'journalDepth')::int = 2")).isEqualTo(1);
  }

  @Test
  void the_will_of_the_connection_the_last_birth_opened_takes_the_station_offline_though_its_time_is_older(
      Database db) throws Exception {
    Batches.migrate(db);
    String station = "ST-WILL";
    java.util.UUID session = new java.util.UUID(0x3000, 3);
    java.time.Instant connect = java.time.Instant.parse("2026-12-07T06:00:00Z");
    // connect 1 registers the Will with seq 4 (at its time), the birth names it, heartbeats follow
    Event<?> birth = Event.of(station, session, 5, connect.plusMillis(20), birth(4L));
    Event<?> heartbeat = Event.of(station, session, 6, connect.plusSeconds(10), heartbeat());
    Event<?> staleWill = Event.of(station, session, 1, connect.minusSeconds(60),
        new StationDeath(false, "will of an earlier connection", null));
    Event<?> will = Event.of(station, session, 4, connect, new StationDeath(false, "agent vanished", null));

    write(db, List.of(birth, heartbeat));
    write(db, List.of(staleWill));
    assertThat(Env.count(db, "select count(*) from stations where state = 'ONLINE'")).as("a stale Will").isEqualTo(1);
    write(db, List.of(will));
    assertThat(Env.count(db, "select count(*) from stations where state = 'OFFLINE'")).as("the Will").isEqualTo(1);

    // the agent comes back on a new connection (same session): its birth names a new Will and is newer
    write(db, List.of(Event.of(station, session, 8, connect.plusSeconds(30), birth(7L))));
    assertThat(Env.count(db, "select count(*) from stations where state = 'ONLINE' and will_seq = 7")).isEqualTo(1);
    write(db, List.of(will));
    assertThat(Env.count(db, "select count(*) from stations where state = 'ONLINE'"))
        .as("the first connection's Will again, redelivered").isEqualTo(1);
  }

  private static StationBirth birth(long willSeq) {
    return new StationBirth("1.0", "cfg", "plant-1", "L1", "host", "linux", 1L << 30, null, willSeq);
  }

  private static StationHeartbeat heartbeat() {
    return new StationHeartbeat(0, 0L, 1L << 30, false, 0, 10_000_000L, 1000L, null, null, null);
  }

  @Test
  void a_run_finished_stores_steps_and_measurements_exactly_as_the_live_events_did(Database db) throws Exception {
    Batches.migrate(db);
    Run run = RunFixture.runs(1, 0).get(0);
    Event<?> started = run.events().get(0);
    Instant at = Instant.parse("2026-11-22T06:04:10.123456Z");
    // values that an array literal must quote or escape, and doubles that must survive exactly
    Step odd = new Step("quote \" back\\slash {brace}, comma", "", 7, at, null, StepOutcome.FAIL,
        List.of(new Measurement("NULL", 0.1 + 0.2, "a \"b\" c", "", Double.MIN_VALUE, 1e300,
                io.testline.schemas.Comparator.GELE, -0.0, io.testline.schemas.MeasurementOutcome.FAIL, true),
            new Measurement("ünïcode ✓", null, null, null, null, null, null, null,
                io.testline.schemas.MeasurementOutcome.UNSET, null)),
        "E 'x'", "line one\nline two\ttab", null);
    RunFinished f = (RunFinished) run.events().get(3).data();
    RunFinished finished = new RunFinished(f.runId(), f.serialNumber(), f.units(), f.partNumber(), f.partRevision(),
        f.program(), f.operator(), f.workOrder(), f.attempt(), f.testMethod(), f.operation(), f.startedAt(),
        f.endedAt(), f.durationMs(), f.outcome(), f.exitCode(), f.signal(), f.coreDumped(), f.errorCode(),
        f.errorMessage(), f.failingStep(), f.counts(), f.log(), List.of(odd));

    write(db, List.of(started, Event.of(run.station(), started.agentSession(), 1, at,
        new RunStep(run.runId(), run.serial(), odd))));
    java.util.Map<String, String> live = Env.dump(db);
    write(db, List.of(Event.of(run.station(), started.agentSession(), 2, at, finished)));
    java.util.Map<String, String> replaced = Env.dump(db);

    assertThat(replaced.get("steps")).isEqualTo(live.get("steps"));
    assertThat(replaced.get("measurements")).isEqualTo(live.get("measurements"));
    assertThat(Env.count(db, "select count(*) from measurements where name = 'NULL' and value = 0.1::float8 + 0.2::float8"
        + " and text_value = 'a \"b\" c' and unit = '' and low_limit = 4.9e-324::float8 and high_limit = 1e300"
        + " and marginal")).isEqualTo(1);
    assertThat(Env.count(db, "select count(*) from measurements where name = 'ünïcode ✓' and value is null"
        + " and unit is null and marginal is null")).isEqualTo(1);
    assertThat(Env.count(db, "select count(*) from steps where name = 'quote \" back\\slash {brace}, comma'"
        + " and path = '' and started_at = '2026-11-22T06:04:10.123456Z' and ended_at is null"
        + " and error_message = E'line one\\nline two\\ttab'")).isEqualTo(1);
  }

  private void write(Database db, List<Event<?>> events) throws Exception {
    batches.write(db, events);
  }

}
