package io.testline.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.RunsWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestCase;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** JUnit XML read back by Maven Surefire's own report parser, and by a strict XML parser under hostile text. */
class JunitXmlExportTest {

  @Test
  void surefires_report_parser_reads_a_suite_per_run_and_a_failure_naming_the_failing_measurement(@TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("runs.junit.xml");
    try (OutputStream out = Files.newOutputStream(file);
        RunsWriter w = ExportFormat.JUNIT.writer(out, true)) {
      w.write(Runs.failing("SN-1"));
      w.write(Runs.passing("SN-2"));
      w.write(Runs.crashed("SN-3"));
    }

    TestSuiteXmlParser parser = new TestSuiteXmlParser(new NullConsoleLogger());
    List<ReportTestSuite> suites = parser.parse(file.toString());

    assertThat(parser.isValid()).isTrue();
    assertThat(suites).hasSize(3);
    ReportTestSuite failing = suites.get(0);
    assertThat(failing.getNumberOfTests()).isEqualTo(3);
    assertThat(failing.getNumberOfFailures()).isEqualTo(1);
    assertThat(failing.getNumberOfSkipped()).isEqualTo(1);
    assertThat(failing.getNumberOfErrors()).isZero();
    assertThat(failing.getTestCases()).extracting(ReportTestCase::getName)
        .containsExactly("Power/Rails/3V3", "Power/Rails/5V0", "Program/flash");
    ReportTestCase rail = failing.getTestCases().get(1);
    assertThat(rail.hasFailure()).isTrue();
    assertThat(rail.getFailureMessage()).contains("voltage").doesNotContain("ripple");
    assertThat(rail.getFailureDetail()).contains("voltage = 5.61 V", "4.75 <= x <= 5.25");
    assertThat(failing.getTestCases().get(0).isSuccessful()).isTrue();

    ReportTestSuite passing = suites.get(1);
    assertThat(passing.getNumberOfTests()).isEqualTo(2);
    assertThat(passing.getNumberOfFailures() + passing.getNumberOfErrors()).isZero();

    ReportTestSuite crashed = suites.get(2);
    assertThat(crashed.getNumberOfErrors()).as("a crash no step shows is an error case of its own").isEqualTo(1);
    assertThat(crashed.getTestCases()).extracting(ReportTestCase::getName).contains("(run outcome)");
    assertThat(crashed.getTestCases().get(1).getFailureMessage()).contains("CRASHED", "SIGSEGV");
  }

  @Test
  void surefires_parser_counts_and_names_what_pass_fail_error_crashed_and_hostile_runs_hold(@TempDir Path tmp)
      throws Exception {
    String hostile = "<x a=\"1\">&amp; ]]> \u0000nul \u0007bel \u001bESC\t\u00e9\r\nline 2 \ud83d\ude00";
    String shown = "<x a=\"1\">&amp; ]]> \u2400nul \u2407bel \u241bESC\t\u00e9\r\nline 2 \ud83d\ude00";
    String longName = "Power/" + "R".repeat(10_000);
    RunRecord erroring = Runs.run(java.util.UUID.nameUUIDFromBytes("erroring".getBytes()), "SN-E",
        "ERROR", List.of(
            Runs.step(0, "3V3 rail", "Power/Rails/3V3", "PASS", null, List.of()),
            Runs.step(1, "flash", "Program/flash", "ERROR", "programmer " + hostile, List.of())),
        List.of(), 0);
    RunRecord hostileRun = Runs.run(java.util.UUID.nameUUIDFromBytes("hostile".getBytes()), "SN-" + hostile,
        "FAIL", List.of(
            Runs.step(0, hostile, hostile, "FAIL", null, List.of(
                new MeasurementRecord(0, hostile, 9.5, null, "V", 1.0, 2.0, "GELE", null, "FAIL", false))),
            Runs.step(1, "long", longName, "PASS", null, List.of())),
        List.of(Runs.log(0, "STDOUT", hostile)), 1);
    List<RunRecord> runs = List.of(Runs.passing("SN-P"), Runs.failing("SN-F"), erroring, Runs.crashed("SN-C"),
        hostileRun);
    Path file = tmp.resolve("runs.junit.xml");
    try (OutputStream out = Files.newOutputStream(file);
        RunsWriter w = ExportFormat.JUNIT.writer(out, true)) {
      for (RunRecord run : runs) {
        w.write(run);
      }
    }

    TestSuiteXmlParser parser = new TestSuiteXmlParser(new NullConsoleLogger());
    List<ReportTestSuite> suites = parser.parse(file.toString());

    assertThat(parser.isValid()).isTrue();
    assertThat(suites).extracting(ReportTestSuite::getNumberOfTests, ReportTestSuite::getNumberOfFailures,
        ReportTestSuite::getNumberOfErrors, ReportTestSuite::getNumberOfSkipped).containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, 0, 0, 0),
            org.assertj.core.groups.Tuple.tuple(3, 1, 0, 1),
            org.assertj.core.groups.Tuple.tuple(2, 0, 1, 0),
            org.assertj.core.groups.Tuple.tuple(2, 0, 1, 0),
            org.assertj.core.groups.Tuple.tuple(2, 1, 0, 0));
    assertThat(suites.get(0).getTestCases()).extracting(ReportTestCase::getName)
        .containsExactly("Power/Rails/3V3", "Console/banner");
    ReportTestCase flash = suites.get(2).getTestCases().get(1);
    assertThat(flash.getName()).isEqualTo("Program/flash");
    assertThat(flash.hasError()).isTrue();
    assertThat(flash.getFailureType()).isEqualTo("E42");
    assertThat(flash.getFailureMessage()).isEqualTo("programmer " + shown);
    assertThat(suites.get(3).getTestCases()).extracting(ReportTestCase::getName)
        .containsExactly("3V3 rail", "(run outcome)");

    List<ReportTestCase> hostileCases = suites.get(4).getTestCases();
    assertThat(hostileCases).extracting(ReportTestCase::getName).containsExactly(shown, longName);
    assertThat(hostileCases.get(0).getFailureMessage()).isEqualTo("1 measurement(s) out of limits: " + shown);
    // Surefire's reader gives the detail's lines without their carriage returns (the document has them: below)
    assertThat(hostileCases.get(0).getFailureDetail())
        .contains(shown.replace("\r", "") + " = 9.5 V  (limits: 1.0 <= x <= 2.0)");
    assertThat(hostileCases.get(1).isSuccessful()).isTrue();
  }

  @Test
  void one_run_is_a_testsuite_root_with_the_serial_station_and_operation_as_properties() throws Exception {
    Document doc = parse(write(Runs.failing("SN-1")));
    Element root = doc.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("testsuite");
    assertThat(root.getAttribute("failures")).isEqualTo("1");
    assertThat(property(doc, "serial")).isEqualTo("SN-1");
    assertThat(property(doc, "station")).isEqualTo("ST-01");
    assertThat(property(doc, "operation")).isEqualTo("functional");
    assertThat(property(doc, "programHash")).isEqualTo("sha256:abc");
    assertThat(doc.getElementsByTagName("system-out").item(0).getTextContent()).isEqualTo("booting\n");
    assertThat(doc.getElementsByTagName("system-err").item(0).getTextContent()).isEqualTo("5V0 high\n");
  }

  @Test
  void hostile_strings_give_a_well_formed_document_that_keeps_every_printable_character() throws Exception {
    String hostile = "a<b>&c\"d'e ]]>\ttab\r\ncrlf\rcr \u0000nul \u0001soh \u001bESC \uFFFE \ud800lone \ud83d\ude00 ✓";
    RunRecord base = Runs.failing(hostile);
    RunRecord run = Runs.with(base, List.of(Runs.step(0, hostile, hostile, "FAIL", hostile, List.of(
            new MeasurementRecord(0, hostile, null, hostile, hostile, null, null, "EQ", null, "FAIL", null)))),
        hostile, hostile, List.of(Runs.log(0, "STDOUT", hostile), Runs.log(1, "STDERR", hostile)));

    byte[] xml = write(run);
    Document doc = parse(xml); // throws on anything not well-formed XML 1.0

    String expected = "a<b>&c\"d'e ]]>\ttab\r\ncrlf\rcr \u2400nul \u2401soh \u241bESC \uFFFD \uFFFDlone \ud83d\ude00 ✓";
    assertThat(property(doc, "serial")).isEqualTo(expected);
    Element testcase = (Element) doc.getElementsByTagName("testcase").item(0);
    assertThat(testcase.getAttribute("name")).isEqualTo(expected);
    assertThat(doc.getElementsByTagName("failure").item(0).getTextContent()).contains(expected);
    assertThat(doc.getElementsByTagName("system-out").item(0).getTextContent()).isEqualTo(expected + "\n");
    assertThat(new TestSuiteXmlParser(new NullConsoleLogger()).parse(new java.io.InputStreamReader(
        new ByteArrayInputStream(xml), java.nio.charset.StandardCharsets.UTF_8))).hasSize(1);
  }

  @Test
  void a_log_beyond_the_loaders_bound_says_how_many_lines_are_left_out() throws Exception {
    RunRecord base = Runs.passing("SN-4");
    RunRecord run = new RunRecord(base.runId(), base.serialNumber(), base.stationId(), base.units(),
        base.partNumber(), base.partRevision(), base.programName(), base.programVersion(), base.programHash(),
        base.operator(), base.workOrder(), base.attempt(), base.testMethod(), base.operation(), base.startedAt(),
        base.endedAt(), base.durationMs(), true, "PASS", 0, null, null, null, null, base.steps(), null, base.log(),
        5001);
    Document doc = parse(write(run));
    assertThat(doc.getElementsByTagName("system-out").item(0).getTextContent())
        .startsWith("all good\n").contains("5000 more log lines are stored");
  }

  private static byte[] write(RunRecord run) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RunsWriter w = ExportFormat.JUNIT.writer(out, false)) {
      w.write(run);
    }
    return out.toByteArray();
  }

  private static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
  }

  private static String property(Document doc, String name) {
    NodeList props = doc.getElementsByTagName("property");
    for (int i = 0; i < props.getLength(); i++) {
      Element p = (Element) props.item(i);
      if (p.getAttribute("name").equals(name)) {
        return p.getAttribute("value");
      }
    }
    return null;
  }
}
