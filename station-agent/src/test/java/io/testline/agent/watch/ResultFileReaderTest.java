package io.testline.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.schemas.Payload;
import io.testline.schemas.RunFinished;
import io.testline.schemas.StepOutcome;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** testline's own result files read as streams: what is not needed is skipped unread, and every read is bounded. */
class ResultFileReaderTest {
  private static final Instant MODIFIED = Instant.parse("2026-01-01T10:00:00Z");
  private final ResultFileReader reader = new ResultFileReader(Map.of(), Clock.systemUTC());

  @Test
  void json_fields_and_steps_are_read_and_unknown_fields_of_any_size_are_skipped() throws Exception {
    String json = "{\"serialNumber\": \"SN-1\", \"blob\": \"" + "x".repeat(3 << 20) + "\", \"outcome\": \"PASS\","
        + " \"steps\": [{\"name\": \"power\", \"outcome\": \"PASS\"}], \"attempt\": 2}";
    List<Payload> events = reader.read("r.json", stream(json), MODIFIED);
    RunFinished finished = (RunFinished) events.get(events.size() - 1);
    assertThat(finished.serialNumber()).isEqualTo("SN-1");
    assertThat(finished.attempt()).isEqualTo(2);
    assertThat(finished.steps()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("power");
      assertThat(s.outcome()).isEqualTo(StepOutcome.PASS);
    });
  }

  @Test
  void json_that_cannot_be_read_is_refused_with_the_reason() {
    assertRefused("{\"serialNumber\": \"SN-1\", \"outcome\": ", "not JSON");
    assertRefused("[1]", "expected a JSON object");
    assertRefused("{\"serialNumber\": \"SN-1\", \"outcome\": \"PASS\", \"steps\": 3}", "steps: expected a JSON array");
    assertRefused("{\"serialNumber\": \"SN-1\", \"outcome\": \"PASS\", \"steps\": [3]}", "steps[0]: expected a JSON "
        + "object");
    assertRefused("{\"serialNumber\": \"SN-1\", \"outcome\": \"PASS\", \"errorMessage\": \""
        + "e".repeat(ResultFileReader.MAX_STRING_CHARS + 1) + "\"}", "String value length");
    String step = "{\"name\": \"s\", \"outcome\": \"FAIL\", \"errorMessage\": \"" + "m".repeat(8000) + "\"}";
    assertRefused("{\"serialNumber\": \"SN-1\", \"outcome\": \"PASS\", \"steps\": [" + String.join(",",
        java.util.Collections.nCopies(200, step)) + "]}", "over the message limit of 1000000 bytes");
  }

  @Test
  void a_flat_file_over_its_bound_is_refused_and_one_within_is_read() throws Exception {
    assertRefused("serialNumber=SN-1\noutcome=PASS\n#" + "x".repeat(ResultFileReader.MAX_FLAT_BYTES) + "\n",
        "oversize: a CSV or key=value result file is read whole; at most 1048576 bytes", "r.txt");
    List<Payload> events = reader.read("r.csv", stream("serialNumber,outcome\nSN-2,FAIL\n"), MODIFIED);
    assertThat(((RunFinished) events.get(events.size() - 1)).serialNumber()).isEqualTo("SN-2");
  }

  @Test
  void the_stream_is_read_to_its_end_after_the_json_object() throws Exception {
    ByteArrayInputStream tail = new ByteArrayInputStream("\n\n".getBytes(StandardCharsets.UTF_8));
    InputStream in = new SequenceInputStream(stream("{\"serialNumber\": \"SN-1\", \"outcome\": \"PASS\"}"), tail);
    reader.read("r.json", in, MODIFIED);
    assertThat(tail.available()).isZero();
  }

  private void assertRefused(String text, String reason) {
    assertRefused(text, reason, "r.json");
  }

  private void assertRefused(String text, String reason, String name) {
    assertThatThrownBy(() -> reader.read(name, stream(text), MODIFIED)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
