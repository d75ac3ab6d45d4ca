package io.testline.agent.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.schemas.Comparator;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The measurement a results line becomes carries the comparator its limits were judged with. */
class ResultParserTest {
  private final ResultParser parser = new ResultParser(Path.of("."));

  @Test
  void a_measurement_given_only_limits_carries_the_comparator_they_imply() {
    assertThat(measurement("\"low\":3.2,\"high\":3.4").comparator()).isEqualTo(Comparator.GELE);
    assertThat(measurement("\"lowLimit\":3.2").comparator()).isEqualTo(Comparator.GE);
    assertThat(measurement("\"highLimit\":3.4").comparator()).isEqualTo(Comparator.LE);
    assertThat(measurement("\"unit\":\"V\"").comparator()).isEqualTo(Comparator.LOG);
  }

  @Test
  void the_implied_comparator_is_the_one_the_outcome_was_judged_with() {
    Measurement low = measurement("\"value\":3.1,\"low\":3.2");
    assertThat(low.comparator()).isEqualTo(Comparator.GE);
    assertThat(low.outcome()).isEqualTo(MeasurementOutcome.FAIL);
    Measurement logged = measurement("\"value\":99");
    assertThat(logged.comparator()).isEqualTo(Comparator.LOG);
    assertThat(logged.outcome()).isEqualTo(MeasurementOutcome.UNSET);
  }

  @Test
  void a_given_comparator_is_kept_and_judges_the_value() {
    Measurement m = measurement("\"value\":3.4,\"low\":3.2,\"high\":3.4,\"comparator\":\"GELT\"");
    assertThat(m.comparator()).isEqualTo(Comparator.GELT);
    assertThat(m.outcome()).isEqualTo(MeasurementOutcome.FAIL);
  }

  @Test
  void limits_with_the_programs_own_outcome_still_carry_their_comparator() {
    Measurement m = measurement("\"value\":3.1,\"low\":3.2,\"high\":3.4,\"outcome\":\"pass\"");
    assertThat(m.outcome()).as("the program's verdict is kept").isEqualTo(MeasurementOutcome.PASS);
    assertThat(m.comparator()).isEqualTo(Comparator.GELE);
  }

  /** The one measurement of a step line whose measurement is {@code {"name":"v","value":3.3,<fields>}}. */
  private Measurement measurement(String fields) {
    String line = "{\"type\":\"step\",\"name\":\"rail\",\"measurements\":[{\"name\":\"v\",\"value\":3.3," + fields
        + "}]}";
    if (fields.contains("\"value\"")) {
      line = line.replace("\"value\":3.3,", "");
    }
    ResultRecord record = parser.parse(1, line, Instant.parse("2026-12-07T10:00:00Z"));
    assertThat(record).as(line).isInstanceOf(ResultRecord.StepRecord.class);
    return ((ResultRecord.StepRecord) record).step().measurements().get(0);
  }
}
