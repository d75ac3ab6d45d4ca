package io.testline.agent.openhtf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.agent.results.ImportedRun;
import io.testline.interop.ExportFormat;
import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import io.testline.interop.model.StepRecord;
import io.testline.schemas.Step;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testline's OpenHTF export (interop) read back by the agent's OpenHTF import, and exported again: the step paths
 * and the program hash come out as they went in. The second export is of the run the import gives (its steps and
 * program hash on the first run's description, which the agent, not the record, decides: run id, station).
 */
class OpenHtfRoundTripTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");
  private static final String HASH = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @TempDir Path tmp;

  @Test
  void step_paths_that_do_not_end_in_the_step_name_and_the_program_hash_survive_export_import_export()
      throws Exception {
    RunRecord run = run(HASH, List.of(
        step(0, "3V3 rail", "Power/Rails", 3.31),
        step(1, "5V0", "Power/Rails/5V0", 5.01),
        step(2, "flash", "flash", null),
        step(3, "boot", null, null),
        step(4, "ripple <&> \"x\"", "Ω/\u00e9tage 2", 0.01)));

    byte[] first = export(run);
    ImportedRun imported = OpenHtfImporter.read(new ByteArrayInputStream(first), tmp, Path::toString);

    assertThat(imported.programHash()).isEqualTo(HASH);
    assertThat(imported.steps()).extracting(Step::name, Step::path).containsExactly(
        org.assertj.core.groups.Tuple.tuple("3V3 rail", "Power/Rails"),
        org.assertj.core.groups.Tuple.tuple("5V0", "Power/Rails/5V0"),
        org.assertj.core.groups.Tuple.tuple("flash", "flash"),
        org.assertj.core.groups.Tuple.tuple("boot", null),
        org.assertj.core.groups.Tuple.tuple("ripple <&> \"x\"", "Ω/\u00e9tage 2"));

    byte[] second = export(run(imported.programHash(), imported.steps().stream().map(s -> step(s.index(),
        s.name(), s.path(), s.measurements() == null ? null : s.measurements().get(0).value())).toList()));
    JsonNode a = MAPPER.readTree(first);
    JsonNode b = MAPPER.readTree(second);
    assertThat(b.get("phases")).isEqualTo(a.get("phases"));
    assertThat(b.at("/metadata/testline/step_paths")).isEqualTo(a.at("/metadata/testline/step_paths"));
    assertThat(b.at("/metadata/testline/program_hash")).isEqualTo(a.at("/metadata/testline/program_hash"));
    assertThat(a.at("/metadata/testline/step_paths")).as("only the paths subtest_name cannot say").hasSize(3);
  }

  @Test
  void a_record_without_testline_metadata_object_keeps_the_hash_of_its_source_code() throws Exception {
    ObjectNode record = (ObjectNode) MAPPER.readTree(export(run(null, List.of(step(0, "a", "g/a", 1.0)))));
    ((ObjectNode) record.get("metadata")).remove("testline");
    ((ObjectNode) record.get("code_info")).put("sourcecode", "test = htf.Test(phase)\n");

    ImportedRun imported = read(record);

    assertThat(imported.programHash()).startsWith("sha256:").hasSize(7 + 64);
    assertThat(imported.steps().get(0).path()).isEqualTo("g/a");

    ((ObjectNode) record.get("metadata")).put("testline", "a station's own metadata");
    assertThat(read(record).programHash()).isEqualTo(imported.programHash());
  }

  @Test
  void a_step_path_naming_a_phase_that_is_not_there_is_refused_naming_the_field() throws Exception {
    ObjectNode record = (ObjectNode) MAPPER.readTree(export(run(HASH, List.of(step(0, "a", "Power", 1.0)))));
    ((ObjectNode) record.at("/metadata/testline/step_paths/0")).put("phase", 7);
    assertThatThrownBy(() -> read(record)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata.testline.step_paths[0].phase");

    ((ObjectNode) record.at("/metadata/testline/step_paths/0")).put("phase", 0).put("path", "x".repeat(1025));
    assertThatThrownBy(() -> read(record)).hasMessageContaining("metadata.testline.step_paths[0].path");

    ((ObjectNode) record.at("/metadata/testline")).putArray("program_hash");
    assertThatThrownBy(() -> read(record)).hasMessageContaining("metadata.testline.program_hash");
  }

  private ImportedRun read(JsonNode record) throws Exception {
    return OpenHtfImporter.read(new ByteArrayInputStream(MAPPER.writeValueAsString(record)
        .getBytes(StandardCharsets.UTF_8)), tmp, Path::toString);
  }

  private static byte[] export(RunRecord run) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RunsWriter w = ExportFormat.OPENHTF.writer(out, false)) {
      w.write(run);
    }
    return out.toByteArray();
  }

  private static RunRecord run(String programHash, List<StepRecord> steps) {
    return new RunRecord(UUID.fromString("7f000000-0000-4000-8000-000000000001"), "SN-1", "ST-01",
        List.of(new RunRecord.Unit("SN-1", 1, "A")), "PCB-1", "B", "fct", "1.2", programHash, "ana", "WO-7", 1,
        null, "functional", T0, T0.plusSeconds(10), 10_000L, true, "PASS", 0, null, null, null, null, steps, null,
        List.of(), 0);
  }

  private static StepRecord step(int index, String name, String path, Double value) {
    List<MeasurementRecord> m = value == null ? List.of()
        : List.of(new MeasurementRecord(0, "v", value, null, "V", 0.0, 10.0, "GELE", null, "PASS", null));
    return new StepRecord(index, name, path, T0.plusSeconds(index), T0.plusSeconds(index + 1), "PASS", null, null,
        m, List.of());
  }
}
