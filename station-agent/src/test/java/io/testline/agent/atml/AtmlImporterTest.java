package io.testline.agent.atml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.testline.agent.results.ImportedRun;
import io.testline.schemas.Comparator;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An ATML (IEEE 1636.1) TestResults document, as TestStand writes it, read into testline's model. */
class AtmlImporterTest {
  private static final Path FIXTURE = Path.of("src/test/resources/atml/mainboard_fail.xml");

  @Test
  void teststand_report_becomes_the_unit_steps_with_paths_numeric_limits_and_text_values() throws Exception {
    ImportedRun r = AtmlImporter.read(Files.readAllBytes(FIXTURE));

    assertThat(r.serialNumber()).isEqualTo("SN-ATML-0042");
    assertThat(r.partNumber()).isEqualTo("PCB-7781");
    assertThat(r.operator()).isEqualTo("Zoë Müller");
    assertThat(r.programName()).isEqualTo("MainBoard_FCT.seq");
    assertThat(r.outcome()).isEqualTo(RunOutcome.FAIL);
    assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
    assertThat(r.endedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:12.500Z"));
    assertThat(r.steps()).extracting(Step::name, Step::path, Step::outcome).containsExactly(
        tuple("Power on fixture", null, StepOutcome.DONE),
        tuple("3V3 rail", "Power/3V3 rail", StepOutcome.PASS),
        tuple("Idle current", "Power/Idle current", StepOutcome.FAIL),
        tuple("Firmware version", "Identität/Firmware version", StepOutcome.PASS),
        tuple("Board revision", "Identität/Board revision", StepOutcome.PASS),
        tuple("RF calibration", "Identität/RF calibration", StepOutcome.SKIPPED));
    assertThat(r.steps().get(1).startedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:01Z"));
    assertThat(r.steps().get(1).measurements()).containsExactly(new Measurement("voltage", 3.31, null, "V", 3.2, 3.4,
        Comparator.GELE, null, MeasurementOutcome.PASS, null));
    assertThat(r.steps().get(2).measurements()).containsExactly(new Measurement("current", 0.75, null, "A", null,
        0.5, Comparator.LE, null, MeasurementOutcome.FAIL, null));
    assertThat(r.steps().get(3).measurements().get(0).text()).isEqualTo("1.4.2 – Prüfstand ✓");
    assertThat(r.steps().get(4).measurements().get(0)).isEqualTo(new Measurement("revision", 3.0, null, null, 3.0,
        3.0, Comparator.EQ, 3.0, MeasurementOutcome.PASS, null));
    assertThat(r.notes()).containsExactly(
        "Identität/Firmware version version: limit not read: Expected CIEQ 1.4.2 – Prüfstand ✓");
  }

  @Test
  void documents_that_cannot_be_read_whole_are_refused_naming_the_element() throws Exception {
    String good = Files.readString(FIXTURE);
    assertRefused(good.substring(0, good.length() / 2), "not XML");
    assertRefused(good.replace("<c:SerialNumber>SN-ATML-0042</c:SerialNumber>", ""), "UUT/SerialNumber: missing");
    assertRefused(good.replace("<tr:Outcome value=\"Skipped\"/>", "<tr:Outcome value=\"Maybe\"/>"),
        "Identität/RF calibration/Outcome/@value: \"Maybe\" is not one of");
    assertRefused(good.replace("startDateTime=\"2026-01-01T11:00:00.000+01:00\"", "startDateTime=\"morning\""),
        "ResultSet/@startDateTime: \"morning\" is not an xs:dateTime");
    assertRefused("<?xml version=\"1.0\"?><testsuite name=\"x\"/>", "not an ATML test results document");
    // a result file is data: no DTD, no external entity is ever read
    assertRefused("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>",
        "not XML");
  }

  @Test
  void a_document_over_what_the_agent_holds_as_a_dom_is_refused_as_oversize() throws Exception {
    String good = Files.readString(FIXTURE);
    int end = good.lastIndexOf('>') + 1;
    String padded = good.substring(0, end) + "<!--" + "x".repeat(AtmlImporter.MAX_DOCUMENT_BYTES) + "-->";
    assertRefused(padded, "oversize: an ATML document is read whole into memory (DOM); at most 2097152 bytes");
    int head = good.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
    byte[] within = (good.substring(0, end) + "<!--" + "x".repeat(AtmlImporter.MAX_DOCUMENT_BYTES - head - 7) + "-->")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(within).hasSize(AtmlImporter.MAX_DOCUMENT_BYTES);
    assertThat(AtmlImporter.read(within).serialNumber()).as("a document of exactly the bound")
        .isEqualTo("SN-ATML-0042");
  }

  private static void assertRefused(String xml, String reason) {
    assertThatThrownBy(() -> AtmlImporter.read(xml.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
  }
}
