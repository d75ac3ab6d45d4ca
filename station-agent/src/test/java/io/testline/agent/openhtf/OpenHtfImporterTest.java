package io.testline.agent.openhtf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testline.agent.results.ImportedRun;
import io.testline.schemas.Attachment;
import io.testline.schemas.Comparator;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenHTF test records (fixtures written as json_factory writes them) read into testline's model. */
class OpenHtfImporterTest {
  @TempDir
  Path tmp;

  @Test
  void passing_record_becomes_steps_with_limits_marginals_text_values_skips_attachments_and_log() throws Exception {
    ImportedRun r = read("fct_pass.json");

    assertThat(r.serialNumber()).isEqualTo("SN-HTF-0001");
    assertThat(r.outcome()).isEqualTo(RunOutcome.PASS);
    assertThat(r.programName()).isEqualTo("fct_main_board");
    assertThat(r.programVersion()).isEqualTo("4.2.0");
    assertThat(r.programHash()).startsWith("sha256:");
    assertThat(r.operator()).isEqualTo("Jürgen Weiß");
    assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(r.endedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:09Z"));
    assertThat(r.steps()).extracting(Step::name, Step::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("power_up", StepOutcome.PASS),
        org.assertj.core.groups.Tuple.tuple("clock", StepOutcome.PASS),
        org.assertj.core.groups.Tuple.tuple("firmware_version", StepOutcome.PASS),
        org.assertj.core.groups.Tuple.tuple("rf_calibration", StepOutcome.SKIPPED),
        org.assertj.core.groups.Tuple.tuple("temperature_sweep", StepOutcome.PASS));
    assertThat(r.steps().get(4).path()).isEqualTo("thermal/temperature_sweep");

    Step power = r.steps().get(0);
    assertThat(power.startedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(power.endedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00.800Z"));
    assertThat(power.measurements()).containsExactly(
        new Measurement("rail_3v3", 3.31, null, "V", 3.2, 3.4, Comparator.GELE, null, MeasurementOutcome.PASS,
            null),
        new Measurement("rail_5v", 5.22, null, "V", 4.75, 5.25, Comparator.GELE, null, MeasurementOutcome.PASS,
            true),
        new Measurement("idle_current", 0.41, null, "A", null, 0.5, Comparator.LE, null, MeasurementOutcome.PASS,
            null));
    Measurement frequency = r.steps().get(1).measurements().get(0);
    assertThat(frequency.lowLimit()).isEqualTo(24875000.0);
    assertThat(frequency.highLimit()).isEqualTo(25125000.0);
    assertThat(frequency.nominal()).isEqualTo(25000000.0);
    assertThat(frequency.unit()).isEqualTo("Hz");
    assertThat(r.steps().get(1).measurements().get(1).comparator()).isEqualTo(Comparator.EQ);
    assertThat(r.steps().get(2).measurements()).extracting(Measurement::text, Measurement::comparator)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("1.4.2", Comparator.LOG),
            org.assertj.core.groups.Tuple.tuple("Überprüft ✓ µC-Bootloader", Comparator.LOG));
    assertThat(r.steps().get(4).measurements().get(0).text()).isEqualTo("[[-20,3.28],[25,3.31],[85,3.33]]");

    assertThat(power.attachments()).extracting(Attachment::name, Attachment::mediaType, Attachment::sizeBytes)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("scope_3v3.csv", "text/csv", 39L),
            org.assertj.core.groups.Tuple.tuple("board.png", "image/png", 33L));
    Attachment scope = power.attachments().stream().filter(a -> a.name().equals("scope_3v3.csv")).findFirst()
        .orElseThrow();
    assertThat(Path.of(scope.path())).hasContent("t_s,v\n0.000,0.00\n0.001,3.29\n0.002,3.31\n");
    assertThat(scope.sha256()).hasSize(64);

    assertThat(r.log()).extracting(l -> l.text()).contains(
        "INFO openhtf.test_record.fct_main_board fct.py:41: Prüfling SN-HTF-0001 eingelegt",
        "WARNING openhtf.test_record.fct_main_board.phase.rf_calibration fct.py:90: RF calibration skipped: no RF "
            + "module fitted");
    assertThat(r.log().get(0).at()).isEqualTo(Instant.parse("2026-01-01T10:00:00.010Z"));
    assertThat(r.notes()).contains("phase firmware_version measurement version: validator 'x' matches /^1\\.4\\.\\d+$/",
        "phase temperature_sweep measurement sweep: validator All values pass: 3.2 <= x <= 3.4");
  }

  @Test
  void failing_record_keeps_the_failed_limit_the_phase_exception_and_the_outcome_details() throws Exception {
    ImportedRun r = read("fct_fail.json");

    assertThat(r.outcome()).isEqualTo(RunOutcome.FAIL);
    assertThat(r.errorCode()).isEqualTo("RAIL_3V3_HIGH");
    assertThat(r.errorMessage()).isEqualTo("RAIL_3V3_HIGH: 3V3 rail above its limit");
    assertThat(r.operator()).isEqualTo("Jürgen Weiß");
    assertThat(r.steps().get(0).outcome()).isEqualTo(StepOutcome.FAIL);
    assertThat(r.steps().get(0).measurements().get(0).outcome()).isEqualTo(MeasurementOutcome.FAIL);
    Step eeprom = r.steps().get(1);
    assertThat(eeprom.outcome()).isEqualTo(StepOutcome.ERROR);
    assertThat(eeprom.errorCode()).isEqualTo("OSError");
    assertThat(eeprom.errorMessage()).isEqualTo("EEPROM did not acknowledge at 0x50");
    assertThat(r.notes()).contains("phase program_eeprom: IOError: EEPROM did not acknowledge at 0x50");
    Measurement leak = r.steps().get(2).measurements().get(0);
    assertThat(leak.value()).isNull();
    assertThat(leak.outcome()).isEqualTo(MeasurementOutcome.UNSET);
    assertThat(leak.highLimit()).isEqualTo(1e-6);
    assertThat(r.log()).hasSize(5);
  }

  @Test
  void bad_records_are_refused_with_a_reason_that_names_the_field_and_leave_no_attachment_behind() throws Exception {
    String good = Files.readString(fixture("fct_pass.json"));
    assertRejected(good.substring(0, good.length() / 2), "not JSON");
    assertRejected(good.replace("\"start_time_millis\": 1767261600000,\n    \"end_time_millis\": 1767261609000",
        "\"start_time_millis\": \"soon\",\n    \"end_time_millis\": 1767261609000"),
        "start_time_millis: expected a whole number");
    assertRejected(good.replace("\"outcome\": \"PASS\",\n    \"outcome_details\"",
        "\"outcome\": \"MAYBE\",\n    \"outcome_details\""), "outcome: \"MAYBE\" is not one of");
    assertRejected(good.replace("\"dut_id\": \"SN-HTF-0001\"", "\"dut_id\": null"), "dut_id: missing");
    assertRejected(good.replace("\"validators\": [\n                        \"3.2 <= x <= 3.4\"\n",
        "\"validators\": [\n                        42\n"), "phases[0].measurements.rail_3v3.validators[0]");
    assertRejected(good.replace("\"outcome\": \"SKIP\"", "\"outcome\": \"MAYBE\""), "phases[3].outcome");
    assertRejected("[1, 2]", "expected a JSON object");
  }

  @Test
  void a_record_whose_fields_besides_attachment_data_pass_what_the_agent_holds_is_refused_as_oversize()
      throws Exception {
    String good = Files.readString(fixture("fct_pass.json"));
    assertRejected(good.replace("\"sourcecode\": \"def power_up(test):", "\"sourcecode\": \""
        + "#".repeat((int) HeldBytes.MAX) + "def power_up(test):"),
        "oversize: the record's fields besides its attachments' data pass 4194304 bytes");
  }

  private void assertRejected(String json, String reason) throws IOException {
    Path dir = tmp.resolve("rejected");
    assertThat(json).isNotEqualTo(Files.readString(fixture("fct_pass.json")));
    assertThatThrownBy(() -> OpenHtfImporter.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        dir, Path::toString)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    assertThat(dir).doesNotExist();
  }

  private ImportedRun read(String name) throws IOException {
    try (InputStream in = Files.newInputStream(fixture(name))) {
      return OpenHtfImporter.read(in, tmp.resolve("attachments"), p -> p.toAbsolutePath().toString());
    }
  }

  static Path fixture(String name) {
    return Path.of("src/test/resources/openhtf", name);
  }
}
