package io.testline.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenHTF record has the keys {@code TestRecord.as_base_types} and {@code PhaseRecord.as_base_types} give it in
 * google/openhtf's {@code openhtf/core/test_record.py}, measurements as {@code Measurement.as_base_types} in
 * {@code measurements.py}, validators worded as {@code validators.py}'s in_range, log records as {@code logs.py}.
 */
class OpenHtfExportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> RECORD_KEYS = Set.of("dut_id", "station_id", "start_time_millis",
      "end_time_millis", "outcome", "outcome_details", "marginal", "metadata", "code_info", "phases", "subtests",
      "branches", "diagnosers", "diagnoses", "log_records");
  private static final Set<String> PHASE_KEYS = Set.of("descriptor_id", "name", "codeinfo", "measurements",
      "options", "diagnosers", "subtest_name", "start_time_millis", "end_time_millis", "attachments",
      "diagnosis_results", "failure_diagnosis_results", "result", "outcome", "marginal");
  private static final Set<String> LOG_KEYS = Set.of("level", "logger_name", "source", "lineno",
      "timestamp_millis", "message");

  @Test
  void a_run_is_an_openhtf_test_record_with_phases_measurements_validators_and_log_records() throws Exception {
    RunRecord run = Runs.failing("SN-1");
    JsonNode r = JSON.readTree(write(run));

    assertThat(keys(r)).isEqualTo(RECORD_KEYS);
    assertThat(r.path("dut_id").asText()).isEqualTo("SN-1");
    assertThat(r.path("station_id").asText()).isEqualTo("ST-01");
    assertThat(r.path("start_time_millis").asLong()).isEqualTo(Runs.T0.toEpochMilli());
    assertThat(r.path("end_time_millis").asLong()).isEqualTo(Runs.T0.plusSeconds(12).toEpochMilli());
    assertThat(r.path("outcome").asText()).isEqualTo("FAIL");
    assertThat(r.path("marginal").asBoolean()).isTrue();
    assertThat(r.at("/metadata/test_name").asText()).isEqualTo("board-test");
    assertThat(r.at("/metadata/testline/run_id").asText()).isEqualTo(run.runId().toString());

    JsonNode phases = r.path("phases");
    assertThat(phases).hasSize(3);
    for (JsonNode phase : phases) {
      assertThat(keys(phase)).isEqualTo(PHASE_KEYS);
    }
    assertThat(phases).extracting(p -> p.path("outcome").asText()).containsExactly("PASS", "FAIL", "SKIP");
    JsonNode voltage = phases.get(1).at("/measurements/voltage");
    assertThat(voltage.path("name").asText()).isEqualTo("voltage");
    assertThat(voltage.path("outcome").asText()).isEqualTo("FAIL");
    assertThat(voltage.path("measured_value").asDouble()).isEqualTo(5.61);
    assertThat(voltage.path("validators").get(0).asText()).isEqualTo("4.75 <= x <= 5.25");
    assertThat(voltage.at("/units/suffix").asText()).isEqualTo("V");
    assertThat(phases.get(1).at("/measurements/ripple/validators/0").asText()).isEqualTo("x <= 0.05");
    assertThat(phases.get(0).path("attachments").isEmpty()).as("no bytes to inline").isTrue();
    assertThat(r.at("/metadata/testline/attachments/0/path").asText()).isEqualTo("/runs/x/scope.png");
    assertThat(phases.get(1).path("subtest_name").isNull()).as("path Power/Rails/5V0 is not .../5V0 rail").isTrue();
    assertThat(r.at("/metadata/part_number").asText()).isEqualTo("PCB-1");
    assertThat(r.at("/metadata/operator_name").asText()).isEqualTo("op7");
    assertThat(phases.get(2).at("/result/phase_result").asText()).isEqualTo("SKIP");

    JsonNode logs = r.path("log_records");
    assertThat(logs).hasSize(2);
    assertThat(keys(logs.get(0))).isEqualTo(LOG_KEYS);
    assertThat(logs.get(0).path("message").asText()).isEqualTo("booting");
    assertThat(logs.get(1).path("level").asInt()).as("stderr is logged at ERROR").isEqualTo(40);
  }

  @Test
  void a_crash_is_an_error_outcome_whose_details_say_crashed_and_a_text_measurement_keeps_its_text()
      throws Exception {
    JsonNode crashed = JSON.readTree(write(Runs.crashed("SN-3")));
    assertThat(crashed.path("outcome").asText()).isEqualTo("ERROR");
    assertThat(crashed.at("/outcome_details/0/code").asText()).isEqualTo("CRASHED");
    assertThat(crashed.at("/outcome_details/0/description").asText()).contains("SIGSEGV");

    JsonNode banner = JSON.readTree(write(Runs.passing("SN-2"))).at("/phases/1/measurements/banner");
    assertThat(banner.path("measured_value").asText()).isEqualTo("U-Boot 2026.01");
    assertThat(banner.path("outcome").asText()).isEqualTo("UNSET");
    assertThat(banner.has("validators")).as("a measurement only logged has no validator").isFalse();
  }

  @Test
  void a_split_log_line_is_one_log_record_again() throws Exception {
    RunRecord base = Runs.passing("SN-5");
    List<RunRecord.LogEntry> log = new ArrayList<>();
    log.add(new RunRecord.LogEntry(Runs.T0, "STDOUT", 0, "first half ", true));
    log.add(new RunRecord.LogEntry(Runs.T0, "STDOUT", 1, "second half", false));
    JsonNode logs = JSON.readTree(write(Runs.with(base, base.steps(), null, null, log))).path("log_records");
    assertThat(logs).hasSize(1);
    assertThat(logs.get(0).path("message").asText()).isEqualTo("first half second half");
  }

  private static byte[] write(RunRecord run) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RunsWriter w = ExportFormat.OPENHTF.writer(out, false)) {
      w.write(run);
    }
    return out.toByteArray();
  }

  private static Set<String> keys(JsonNode node) {
    Set<String> keys = new TreeSet<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
