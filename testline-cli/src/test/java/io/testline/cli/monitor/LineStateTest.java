package io.testline.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.schemas.EventJson;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LineStateTest {
  private static final String STATION = "FCT-01";
  private static final Instant NOW = Instant.parse("2026-12-03T08:15:30Z");
  private final LineState state = new LineState(Clock.fixed(NOW, ZoneOffset.UTC));
  private final String session = UUID.randomUUID().toString();

  @Test
  void a_station_is_online_after_its_birth_and_offline_since_the_will_arrived() {
    state.apply(topic("birth"), event("station.birth.json"));
    assertThat(state.station(STATION).orElseThrow().online()).isTrue();
    assertThat(state.render()).contains(STATION).contains("ONLINE");

    state.apply(topic("death"), event("station.death.json"));

    StationStatus s = state.station(STATION).orElseThrow();
    assertThat(s.online()).isFalse();
    assertThat(s.offlineSince()).isEqualTo(NOW);
    assertThat(s.gracefulOffline()).isFalse();
    assertThat(state.render()).contains("OFFLINE since 08:15:30 (Will)");
  }

  @Test
  void a_will_of_an_older_session_does_not_take_a_reborn_station_offline() {
    state.apply(topic("birth"), event("station.birth.json"));
    ObjectNode staleWill = event("station.death.json");
    staleWill.put("agentSession", UUID.randomUUID().toString());

    state.apply(topic("death"), staleWill);

    assertThat(state.station(STATION).orElseThrow().online()).isTrue();
  }

  @Test
  void heartbeat_shows_serial_step_and_journal_backlog() {
    state.apply(topic("heartbeat"), event("station.heartbeat.json"));

    StationStatus s = state.station(STATION).orElseThrow();
    assertThat(s.serialNumber()).isEqualTo("SN2611-000417");
    assertThat(s.step()).isEqualTo("Power/Rails/3V3");
    assertThat(s.journalDepth()).isEqualTo(12L);
    assertThat(state.render()).contains("SN2611-000417", "Power/Rails/3V3");
  }

  @Test
  void counts_passes_and_fails_and_first_pass_yield_counts_only_first_attempts_once_each() {
    run("SN-1", 1, "PASS");
    run("SN-2", 1, "FAIL");
    run("SN-2", 2, "PASS"); // a retest: counted as a pass, not in first-pass yield
    String redelivered = run("SN-3", 1, "PASS");
    state.apply(topic("events"), finished(redelivered, "SN-3", 1, "PASS"));

    StationStatus s = state.station(STATION).orElseThrow();
    assertThat(s.passed()).isEqualTo(3);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.firstAttempts()).isEqualTo(3);
    assertThat(s.firstAttemptsPassed()).isEqualTo(2);
    assertThat(s.firstPassYield()).isEqualTo(2.0 / 3);
    assertThat(s.lastOutcome()).isEqualTo("PASS");
    assertThat(state.render()).contains("66.7%");
    assertThat(state.recentFailures()).extracting(LineState.Notice::serialNumber).containsExactly("SN-2");
  }

  @Test
  void a_shopfloor_rejection_is_listed_with_its_code_and_an_acceptance_is_not() {
    ObjectNode rejected = event("shopfloor.verdict.json");
    ObjectNode accepted = event("shopfloor.verdict.json");
    ((ObjectNode) accepted.path("data")).put("verdict", "ACCEPTED").put("serialNumber", "SN-OK");

    state.apply(topic("verdict"), rejected);
    state.apply(topic("verdict"), accepted);

    assertThat(state.recentRejections()).extracting(LineState.Notice::serialNumber, LineState.Notice::what)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("SN2611-000417", "REJECTED"));
    assertThat(state.render()).contains("ROUTE-STEP", "unit SN2611-000417 is at OP30-ICT").doesNotContain("SN-OK");
  }

  @Test
  void a_payload_that_is_not_json_is_counted_and_changes_nothing() {
    state.apply(topic("events"), "{not json");

    assertThat(state.station(STATION)).isEmpty();
    assertThat(state.render()).contains("unreadable messages 1");
  }

  @Test
  void station_text_with_terminal_escapes_and_line_breaks_is_printed_inert() {
    ObjectNode heartbeat = event("station.heartbeat.json");
    ((ObjectNode) heartbeat.path("data")).put("activeSerialNumber", "\u001b[2J\u001b]0;owned\u0007SN-9")
        .put("activeStep", "\u009b31mstep\u202eevil");
    state.apply(topic("heartbeat"), heartbeat);
    String runId = UUID.randomUUID().toString();
    ObjectNode failed = finished(runId, "SN-8", 1, "FAIL\u001b[0m");
    ((ObjectNode) failed.path("data")).put("errorMessage", "bad\r\nFCT-99         ONLINE  forged line\t!");
    state.apply(topic("events"), failed);

    String screen = state.render();
    assertThat(screen).contains("\uFFFD[2J\uFFFD]0;owned\uFFFDSN-9", "\uFFFD31mstep\uFFFDevil",
        "bad\uFFFD\uFFFDFCT-99");
    assertThat(screen.chars().filter(c -> c != '\n' && (c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x202e)))
        .as("no control character but the view's own line breaks").isEmpty();
    assertThat(screen.lines()).noneMatch(line -> line.startsWith("FCT-99"));
  }

  private String run(String serial, int attempt, String outcome) {
    String runId = UUID.randomUUID().toString();
    ObjectNode started = event("run.started.json");
    ((ObjectNode) started.path("data")).put("runId", runId).put("serialNumber", serial).put("attempt", attempt);
    state.apply(topic("events"), started);
    assertThat(state.station(STATION).orElseThrow().serialNumber()).isEqualTo(serial);
    state.apply(topic("events"), finished(runId, serial, attempt, outcome));
    assertThat(state.station(STATION).orElseThrow().serialNumber()).isNull();
    return runId;
  }

  private ObjectNode finished(String runId, String serial, int attempt, String outcome) {
    ObjectNode finished = event("run.finished.json");
    ((ObjectNode) finished.path("data")).put("runId", runId).put("serialNumber", serial).put("attempt", attempt)
        .put("outcome", outcome);
    return finished;
  }

  private static String topic(String kind) {
    return "testline/v1/" + STATION + "/" + kind;
  }

  private ObjectNode event(String example) {
    try (InputStream in = LineStateTest.class.getResourceAsStream("/testline/examples/" + example)) {
      ObjectNode e = (ObjectNode) EventJson.mapper().readTree(in);
      e.put("stationId", STATION).put("agentSession", session).put("eventId", UUID.randomUUID().toString());
      return e;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
