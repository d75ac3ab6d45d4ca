package io.testline.shopfloor.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.shopfloor.TestRuns;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunBodyMapperTest {
  private final Event<RunFinished> event =
      TestRuns.finished("FCT-1", "SN-1", "OP40", RunOutcome.FAIL, 2, Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void default_mapping_sends_contract_names_and_the_station() {
    ObjectNode body = new RunBodyMapper(RunBodyMapper.DEFAULT_FIELDS).body(event.data(), "FCT-1");
    assertThat(body.get("serialNumber").asText()).isEqualTo("SN-1");
    assertThat(body.get("runId").asText()).isEqualTo(event.data().runId().toString());
    assertThat(body.get("operation").asText()).isEqualTo("OP40");
    assertThat(body.get("outcome").asText()).isEqualTo("FAIL");
    assertThat(body.get("stationId").asText()).isEqualTo("FCT-1");
    assertThat(body.has("errorCode")).as("absent optional fields are left out").isFalse();
  }

  @Test
  void custom_mapping_renames_and_reaches_into_nested_fields() {
    ObjectNode body = new RunBodyMapper(Map.of("sn", "serialNumber", "step", "operation", "prog", "program.name",
        "failed", "counts.failed", "equipment", "stationId")).body(event.data(), "FCT-1");
    assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("sn", "step", "prog", "failed", "equipment");
    assertThat(body.get("prog").asText()).isEqualTo("fct.py");
    assertThat(body.get("failed").asInt()).isZero();
  }

  @Test
  void blank_paths_are_refused() {
    assertThatThrownBy(() -> new RunBodyMapper(Map.of("sn", " "))).hasMessageContaining("fields");
  }
}
