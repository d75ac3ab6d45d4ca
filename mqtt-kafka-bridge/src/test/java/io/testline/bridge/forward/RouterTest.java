package io.testline.bridge.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.bridge.support.TestEvents;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.MessageType;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.TopicNames;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static final MessageValidator VALIDATOR = new MessageValidator(2_000);
  private final Router router = new Router(VALIDATOR, new TopicNames("p."));
  private final UUID session = UUID.randomUUID();

  @Test
  void forwards_a_run_step_to_the_events_topic_keyed_by_serial_number() {
    UUID id = UUID.randomUUID();
    Route route = router.route("testline/v1/ST-1/events", TestEvents.step("ST-1", session, 0, id, "SN-9"));
    assertThat(route).isEqualTo(new Route.Forward("p.testline.events", "SN-9", MessageType.RUN_STEP, id.toString()));
  }

  @Test
  void forwards_a_heartbeat_to_station_state_keyed_by_station() {
    Route route = router.route("testline/v1/ST-1/heartbeat", TestEvents.heartbeat("ST-1", session, 0,
        UUID.randomUUID()));
    assertThat(route).isInstanceOfSatisfying(Route.Forward.class, f -> {
      assertThat(f.topic()).isEqualTo("p.testline.station-state");
      assertThat(f.key()).isEqualTo("ST-1");
    });
  }

  @Test
  void dead_letters_a_topic_outside_the_tree_as_bad_topic() {
    assertReason(router.route("testline/v1/ST-1/gossip", TestEvents.step("ST-1", session, 0, UUID.randomUUID(),
        "SN")), DeadLetterReason.BAD_TOPIC);
    assertReason(router.route("elsewhere", new byte[] {1}), DeadLetterReason.BAD_TOPIC);
  }

  @Test
  void dead_letters_a_type_published_under_the_wrong_kind_as_bad_topic() {
    assertReason(router.route("testline/v1/ST-1/birth", TestEvents.step("ST-1", session, 0, UUID.randomUUID(),
        "SN")), DeadLetterReason.BAD_TOPIC);
  }

  @Test
  void dead_letters_a_payload_of_another_station_as_station_mismatch() {
    assertReason(router.route("testline/v1/ST-1/events", TestEvents.step("ST-2", session, 0, UUID.randomUUID(),
        "SN")), DeadLetterReason.STATION_MISMATCH);
  }

  @Test
  void dead_letters_malformed_unknown_missing_id_and_oversize_with_their_reasons() {
    assertReason(router.route("testline/v1/ST-1/events", "{oops".getBytes(StandardCharsets.UTF_8)),
        DeadLetterReason.MALFORMED_JSON);
    String step = new String(TestEvents.step("ST-1", session, 0, UUID.randomUUID(), "SN"), StandardCharsets.UTF_8);
    assertReason(router.route("testline/v1/ST-1/events",
        step.replace("run.step/1", "run.step/7").getBytes(StandardCharsets.UTF_8)), DeadLetterReason.UNKNOWN_SCHEMA);
    assertReason(router.route("testline/v1/ST-1/events",
        step.replaceFirst("\"eventId\":\"[^\"]+\",", "").getBytes(StandardCharsets.UTF_8)),
        DeadLetterReason.SCHEMA_VIOLATION);
    assertReason(router.route("testline/v1/ST-1/events", new byte[3_000]), DeadLetterReason.OVERSIZE);
  }

  @Test
  void leaves_verdict_topic_traffic_to_the_downlink() {
    assertThat(router.route("testline/v1/ST-1/verdict", TestEvents.verdict("ST-1", UUID.randomUUID(), "SN")))
        .isInstanceOf(Route.Downlink.class);
  }

  private static void assertReason(Route route, DeadLetterReason reason) {
    assertThat(route).isInstanceOfSatisfying(Route.DeadLetter.class, d -> {
      assertThat(d.reason()).isEqualTo(reason);
      assertThat(d.detail()).isNotBlank();
    });
  }
}
