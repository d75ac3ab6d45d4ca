package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Invalid documents, each made from a valid example by one change, are refused with a reason naming the field. */
class InvalidMessagesTest {
  private static final MessageValidator VALIDATOR = new MessageValidator();

  static Stream<Arguments> brokenExamples() {
    return Stream.of(
        broken("missing eventId", "run.finished.json", doc -> doc.remove("eventId"), "eventId"),
        broken("missing agentSession", "station.heartbeat.json", doc -> doc.remove("agentSession"), "agentSession"),
        broken("missing runId", "run.step.json", doc -> data(doc).remove("runId"), "runId"),
        broken("eventId not a UUID", "run.started.json", doc -> doc.put("eventId", "12345"), "$.eventId"),
        broken("upper-case UUID", "run.started.json",
            doc -> doc.put("eventId", "019AAA11-0000-7000-8000-000000000010"), "$.eventId"),
        broken("seq as a string", "run.log.json", doc -> doc.put("seq", "5"), "$.seq"),
        broken("negative seq", "run.log.json", doc -> doc.put("seq", -1), "$.seq"),
        broken("attempt as a float", "run.started.json", doc -> data(doc).put("attempt", 1.5), "$.data.attempt"),
        broken("unknown run outcome", "run.finished.json", doc -> data(doc).put("outcome", "MAYBE"), "$.data.outcome"),
        broken("unknown step outcome", "run.step.json",
            doc -> ((ObjectNode) data(doc).get("step")).put("outcome", "OK"), "$.data.step.outcome"),
        broken("measurement without outcome", "run.finished.json",
            doc -> ((ObjectNode) data(doc).withArray("steps").get(1).withArray("measurements").get(0)).remove("outcome"),
            "$.data.steps[1].measurements[0]"),
        broken("measurement value as text", "run.step.json",
            doc -> ((ObjectNode) data(doc).get("step").withArray("measurements").get(0)).put("value", "3.3V"),
            "$.data.step.measurements[0].value"),
        broken("impossible date", "run.finished.json", doc -> doc.put("occurredAt", "2026-13-45T25:61:00Z"),
            "$.occurredAt"),
        broken("timestamp without zone", "run.finished.json", doc -> data(doc).put("endedAt", "2026-11-22T06:04:20"),
            "$.data.endedAt"),
        broken("timestamp as epoch number", "station.birth.json", doc -> doc.put("occurredAt", 1763791200000L),
            "$.occurredAt"),
        broken("station id with a topic separator", "station.birth.json", doc -> doc.put("stationId", "L1/FCT"),
            "$.stationId"),
        broken("signal not named as a signal", "run.finished.crashed.json", doc -> data(doc).put("signal", "11"),
            "$.data.signal"),
        broken("negative duration", "run.finished.json", doc -> data(doc).put("durationMs", -3), "$.data.durationMs"),
        broken("run.finished without steps", "run.finished.json", doc -> data(doc).remove("steps"), "steps"),
        broken("log chunk without lines", "run.log.json", doc -> data(doc).set("lines", doc.arrayNode()),
            "$.data.lines"),
        broken("unknown log stream", "run.log.json", doc -> data(doc).put("stream", "stdout"), "$.data.stream"),
        broken("empty units", "run.started.json", doc -> data(doc).set("units", doc.arrayNode()), "$.data.units"),
        broken("verdict out of the enum", "shopfloor.verdict.json", doc -> data(doc).put("verdict", "MAYBE"),
            "$.data.verdict"),
        broken("data not an object", "station.death.json", doc -> doc.put("data", "gone"), "$.data"),
        broken("serial number with a control character", "run.started.json",
            doc -> data(doc).put("serialNumber", "SN\u0007BEL"), "$.data.serialNumber"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenExamples")
  void broken_example_is_a_schema_violation_naming_the_field(String what, byte[] document, String field) {
    Validation result = VALIDATOR.validate(document);

    assertThat(result).isInstanceOfSatisfying(Validation.Invalid.class, invalid -> {
      assertThat(invalid.reason()).isEqualTo(DeadLetterReason.SCHEMA_VIOLATION);
      assertThat(invalid.detail()).contains(field);
    });
  }

  @Test
  void unknown_version_of_a_known_type_is_refused_naming_the_versions_this_reader_knows() {
    ObjectNode doc = Examples.tree("run.finished.json").put("schema", "testline.run.finished/9");

    Validation result = VALIDATOR.validate(Examples.toBytes(doc));

    assertThat(result).isEqualTo(new Validation.Invalid(DeadLetterReason.UNKNOWN_SCHEMA,
        "$.schema: \"testline.run.finished/9\" is not known to this reader (it reads testline.run.finished/1)"));
  }

  @Test
  void unknown_type_is_refused() {
    ObjectNode doc = Examples.tree("run.finished.json").put("schema", "testline.run.exploded/1");

    assertThat(VALIDATOR.validate(Examples.toBytes(doc))).isInstanceOfSatisfying(Validation.Invalid.class,
        invalid -> assertThat(invalid.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA));
  }

  @Test
  void missing_schema_field_is_refused_naming_it() {
    ObjectNode doc = Examples.tree("run.finished.json");
    doc.remove("schema");

    assertThat(VALIDATOR.validate(Examples.toBytes(doc))).isInstanceOfSatisfying(Validation.Invalid.class, invalid -> {
      assertThat(invalid.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
      assertThat(invalid.detail()).startsWith("$.schema");
    });
  }

  @Test
  void truncated_json_is_malformed_with_its_position() {
    byte[] whole = Examples.bytes("run.finished.json");
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);

    assertThat(VALIDATOR.validate(truncated)).isInstanceOfSatisfying(Validation.Invalid.class, invalid -> {
      assertThat(invalid.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
      assertThat(invalid.detail()).contains("line");
    });
  }

  @Test
  void duplicate_keys_are_malformed_so_a_second_station_id_cannot_hide() {
    String doc = new String(Examples.bytes("station.death.json"), StandardCharsets.UTF_8)
        .replaceFirst("\\{", "{\"stationId\": \"OTHER-STATION\",");

    assertThat(VALIDATOR.validate(doc.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(Validation.Invalid.class, invalid -> {
          assertThat(invalid.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON);
          assertThat(invalid.detail()).contains("stationId");
        });
  }

  @Test
  void non_object_and_trailing_data_are_malformed() {
    assertThat(VALIDATOR.validate("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Validation.Invalid(DeadLetterReason.MALFORMED_JSON, "expected a JSON object, got array"));
    byte[] trailing = (new String(Examples.bytes("station.death.json"), StandardCharsets.UTF_8) + " {}")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(VALIDATOR.validate(trailing)).isInstanceOfSatisfying(Validation.Invalid.class,
        invalid -> assertThat(invalid.reason()).isEqualTo(DeadLetterReason.MALFORMED_JSON));
  }

  @Test
  void message_over_the_size_bound_is_refused_before_parsing() {
    ObjectNode doc = Examples.tree("run.log.json");
    ArrayNode lines = data(doc).withArray("lines");
    String longText = "x".repeat(16_000);
    while (Examples.toBytes(doc).length <= Schemas.MAX_MESSAGE_BYTES) {
      lines.addObject().put("at", "2026-11-22T06:04:12.016Z").put("text", longText);
    }

    Validation result = VALIDATOR.validate(Examples.toBytes(doc));

    assertThat(result).isInstanceOfSatisfying(Validation.Invalid.class, invalid -> {
      assertThat(invalid.reason()).isEqualTo(DeadLetterReason.OVERSIZE);
      assertThat(invalid.detail()).contains("over the limit of " + Schemas.MAX_MESSAGE_BYTES);
    });
  }

  @Test
  void configured_size_bound_applies() {
    MessageValidator small = new MessageValidator(100);

    assertThat(small.validate(Examples.bytes("station.death.json"))).isInstanceOfSatisfying(Validation.Invalid.class,
        invalid -> assertThat(invalid.reason()).isEqualTo(DeadLetterReason.OVERSIZE));
  }

  @Test
  void payload_station_not_matching_the_topic_station_is_refused() {
    Validation result = VALIDATOR.validate(Examples.bytes("run.started.json"), "FCT-L1-04");

    assertThat(result).isInstanceOfSatisfying(Validation.Invalid.class, invalid -> {
      assertThat(invalid.reason()).isEqualTo(DeadLetterReason.STATION_MISMATCH);
      assertThat(invalid.detail()).contains("$.stationId", "FCT-L1-03", "FCT-L1-04");
    });
    assertThat(VALIDATOR.validate(Examples.bytes("run.started.json"), "FCT-L1-03").isValid()).isTrue();
  }

  @Test
  void many_violations_are_listed_up_to_a_bound_and_counted() {
    ObjectNode doc = Examples.tree("run.finished.json");
    for (String field : new String[] {"eventId", "agentSession", "stationId", "occurredAt", "seq", "data"}) {
      doc.put(field, true);
    }

    assertThat(VALIDATOR.validate(Examples.toBytes(doc))).isInstanceOfSatisfying(Validation.Invalid.class,
        invalid -> assertThat(invalid.detail()).contains("more"));
  }

  private static Arguments broken(String what, String example, Consumer<ObjectNode> change, String field) {
    ObjectNode doc = Examples.tree(example);
    change.accept(doc);
    return Arguments.of(what, Examples.toBytes(doc), field);
  }

  private static ObjectNode data(ObjectNode doc) {
    return (ObjectNode) doc.get("data");
  }
}
