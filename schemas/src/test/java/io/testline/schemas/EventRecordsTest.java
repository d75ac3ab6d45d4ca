package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventRecordsTest {
  private static final MessageValidator VALIDATOR = new MessageValidator();
  private static final UUID SESSION = Ids.newId();

  @Test
  void event_built_in_java_satisfies_its_schema() {
    UUID runId = Ids.newId();
    Step step = new Step("Boot", "Boot", 0, Instant.parse("2026-11-22T06:00:00Z"), Instant.parse("2026-11-22T06:00:01Z"),
        StepOutcome.PASS, List.of(new Measurement("v", 3.3, null, "V", 3.0, 3.6, Comparator.GELE, 3.3,
            MeasurementOutcome.PASS, false)), null, null, null);
    RunFinished run = new RunFinished(runId, "SN1", List.of(UnitUnderTest.of("SN1")), "P", "A",
        new Program("t.py", "1", null), "op", "wo", 1, "FCT", null,
        Instant.parse("2026-11-22T06:00:00Z"), Instant.parse("2026-11-22T06:00:02Z"), 2000, RunOutcome.PASS, 0,
        null, null, null, null, null, new Counts(1, 1, 0, 0L, 0L, 1L, 0L),
        new LogSummary(0, 0, 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), List.of(step));

    Event<RunFinished> event = Event.of("ST-1", SESSION, 0, Instant.parse("2026-11-22T06:00:02.5Z"), run);
    Validation result = VALIDATOR.validate(EventJson.toBytes(event));

    assertThat(result.isValid()).as(result.toString()).isTrue();
    assertThat(EventJson.parse(EventJson.toBytes(event), RunFinished.class)).isEqualTo(event);
  }

  @Test
  void new_events_get_time_ordered_uuid_v7_ids_and_their_type_schema() {
    Event<StationDeath> first = Event.of("ST-1", SESSION, 0, Instant.now(), new StationDeath(true, "shutdown"));
    Event<StationDeath> second = Event.of("ST-1", SESSION, 1, Instant.now(), new StationDeath(true, "shutdown"));

    assertThat(first.eventId().version()).isEqualTo(7);
    assertThat(first.eventId().toString()).isLessThan(second.eventId().toString());
    assertThat(first.schema()).isEqualTo("testline.station.death/1");
  }

  @Test
  void constructors_reject_bad_values_naming_the_parameter() {
    StationDeath death = new StationDeath(false, null);
    assertThatThrownBy(() -> Event.of("ST-1", SESSION, -1, Instant.now(), death))
        .hasMessageContaining("seq");
    assertThatThrownBy(() -> Event.of("ST/1", SESSION, 0, Instant.now(), death))
        .hasMessageContaining("stationId");
    assertThatThrownBy(() -> new Event<>("testline.run.finished/1", Ids.newId(), "ST-1", SESSION, 0, Instant.now(), death))
        .hasMessageContaining("schema");
    assertThatThrownBy(() -> new RunStarted(Ids.newId(), "SN", List.of(), null, null, new Program("p", null, null),
        null, null, 1, null, null)).hasMessageContaining("units");
    assertThatThrownBy(() -> new ShopfloorVerdict(Ids.newId(), "SN", Verdict.ACCEPTED, null, null, 0, null, null))
        .hasMessageContaining("attempts");
    assertThatThrownBy(() -> new Measurement("v", 1.0, null, null, null, null, null, null, null, null))
        .hasMessageContaining("outcome");
  }

  @Test
  void parse_of_the_wrong_type_says_what_was_expected() {
    assertThatThrownBy(() -> EventJson.parse(Examples.bytes("run.log.json"), RunFinished.class))
        .hasMessageContaining("expected testline.run.finished/1 but got testline.run.log/1");
  }

  @Test
  void dead_letter_keeps_invalid_utf8_exactly_and_satisfies_its_schema() {
    byte[] payload = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    DeadLetter deadLetter = DeadLetter.of(DeadLetterReason.MALFORMED_JSON, "malformed JSON: bad UTF-8",
        Instant.parse("2026-11-22T06:00:00Z"), "mqtt-kafka-bridge/test", "ST-1",
        DeadLetter.Source.mqtt("testline/v1/ST-1/events"), payload, new IllegalStateException("x"));

    assertThat(deadLetter.payloadText()).isNull();
    assertThat(deadLetter.payload()).isEqualTo(payload);
    assertThat(VALIDATOR.checkDeadLetter(EventJson.toTree(deadLetter))).isEmpty();
    assertThat(EventJson.parseDeadLetter(EventJson.toBytes(deadLetter))).isEqualTo(deadLetter);

    DeadLetter text = DeadLetter.of(DeadLetterReason.OVERSIZE, "too big", Instant.now(), "c", null,
        DeadLetter.Source.kafka("t", 0, 5, "k"), "{}".getBytes(StandardCharsets.UTF_8), null);
    assertThat(text.payloadText()).isEqualTo("{}");
    assertThat(text.payloadBase64()).isNull();
  }

  @Test
  void seq_gap_satisfies_its_schema_and_reads_back_also_without_the_schema_field() {
    SeqGap gap = new SeqGap("ST-1", Ids.newId(), 3, 5, Instant.parse("2026-12-04T06:00:00Z"), SeqGap.TIMEOUT);

    assertThat(VALIDATOR.checkSeqGap(EventJson.toTree(gap))).isEmpty();
    assertThat(EventJson.parseSeqGap(EventJson.toBytes(gap))).isEqualTo(gap);
    String older = "{\"stationId\":\"ST-1\",\"agentSession\":\"" + gap.agentSession()
        + "\",\"fromSeq\":3,\"toSeq\":5,\"detectedAt\":\"2026-12-04T06:00:00Z\",\"cause\":\"TIMEOUT\"}";
    assertThat(EventJson.parseSeqGap(older.getBytes(StandardCharsets.UTF_8))).isEqualTo(gap);
    assertThat(VALIDATOR.checkSeqGap(EventJson.toTree(new SeqGap("ST-1", gap.agentSession(), 3, 5,
        gap.detectedAt(), "LOST")))).isNotEmpty();
  }
}
