package io.testline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ExampleDocumentsTest {
  private static final MessageValidator VALIDATOR = new MessageValidator();

  static Stream<Path> eventExamples() {
    return Examples.all().stream().filter(p -> !p.getFileName().toString().startsWith("deadletter"));
  }

  @Test
  void every_message_type_has_an_example() {
    Set<MessageType> covered = eventExamples()
        .map(p -> ((Validation.Valid) VALIDATOR.validate(read(p))).type())
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(MessageType.class)));
    assertThat(covered).containsExactlyInAnyOrder(MessageType.values());
    assertThat(Examples.all()).anyMatch(p -> p.getFileName().toString().equals("deadletter.json"));
  }

  @ParameterizedTest
  @MethodSource("eventExamples")
  void example_validates_against_its_schema(Path example) {
    Validation result = VALIDATOR.validate(read(example));

    assertThat(result).as(result.toString()).isInstanceOf(Validation.Valid.class);
  }

  @ParameterizedTest
  @MethodSource("eventExamples")
  void example_round_trips_through_the_records_unchanged(Path example) throws IOException {
    byte[] original = read(example);

    Event<?> event = EventJson.parse(original);
    JsonNode written = EventJson.mapper().readTree(EventJson.toBytes(event));

    assertThat(JsonTrees.equalIgnoringNumberType(written, EventJson.mapper().readTree(original)))
        .as("written %s%n  differs from %s", written, EventJson.mapper().readTree(original))
        .isTrue();
    assertThat(event.schema()).isEqualTo(event.type().schemaId());
  }

  @Test
  void dead_letter_example_validates_and_round_trips() throws IOException {
    byte[] original = Examples.bytes("deadletter.json");
    JsonNode tree = EventJson.mapper().readTree(original);

    assertThat(VALIDATOR.checkDeadLetter(tree)).isEmpty();
    DeadLetter deadLetter = EventJson.parseDeadLetter(original);
    assertThat(JsonTrees.equalIgnoringNumberType(EventJson.toTree(deadLetter), tree)).isTrue();
    assertThat(deadLetter.payload()).hasSize((int) deadLetter.payloadBytes());
  }

  @Test
  void crashed_run_example_binds_its_signal_and_has_no_exit_code() {
    assertThat(EventJson.parse(Examples.bytes("run.finished.crashed.json")).data())
        .isInstanceOfSatisfying(RunFinished.class, run -> {
          assertThat(run.outcome()).isEqualTo(RunOutcome.CRASHED);
          assertThat(run.signal()).isEqualTo("SIGSEGV");
          assertThat(run.exitCode()).isNull();
          assertThat(run.steps()).isEmpty();
        });
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
