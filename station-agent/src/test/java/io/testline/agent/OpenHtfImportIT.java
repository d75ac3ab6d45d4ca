package io.testline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testline.agent.run.AgentExitCodes;
import io.testline.agent.support.AgentJvm;
import io.testline.agent.support.EventCollector;
import io.testline.agent.support.TestStation;
import io.testline.brokers.MqttBroker;
import io.testline.brokers.junit.RealBrokers;
import io.testline.schemas.Attachment;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.LogStream;
import io.testline.schemas.MessageValidator;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.RunStep;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.Validation;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenHTF stations joining: a real agent JVM watching a folder of OpenHTF test records ({@code watch --format
 * openhtf}), and {@code run --results-format openhtf} wrapping a program that writes its record into the run
 * directory; what arrives at the broker is checked.
 */
@ExtendWith(RealBrokers.class)
class OpenHtfImportIT {
  private static final Duration DELIVERY = Duration.ofSeconds(30);
  private static final Path FIXTURES = Path.of("src/test/resources/openhtf");

  @Test
  void watched_openhtf_records_are_published_as_runs_and_bad_files_are_set_aside_with_the_reason(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, """
        watch:
          maxFileBytes: 16MiB
        """);
    Path folder = Files.createDirectories(tmp.resolve("records"));
    String pass = Files.readString(FIXTURES.resolve("fct_pass.json"));
    write(folder.resolve("SN-HTF-0001.fct_main_board.json"), pass);
    write(folder.resolve("SN-HTF-0002.fct_main_board.json"), Files.readString(FIXTURES.resolve("fct_fail.json")));
    byte[] dump = new byte[10_000_000];
    new Random(25).nextBytes(dump);
    write(folder.resolve("SN-HTF-BIG.fct_main_board.json"), withAttachment("SN-HTF-BIG", dump));
    Path torn = write(folder.resolve("a-torn.json"), pass.substring(0, pass.length() * 2 / 3));
    Path wrongType = write(folder.resolve("b-wrong-type.json"), pass.replace("\"end_time_millis\": 1767261609000",
        "\"end_time_millis\": \"10:00:09\""));
    Path unknownOutcome = write(folder.resolve("c-unknown-outcome.json"), pass.replace(
        "\"outcome\": \"PASS\",\n    \"outcome_details\"", "\"outcome\": \"INCONCLUSIVE\",\n    \"outcome_details\""));
    Path oversize = folder.resolve("d-oversize.json");
    try (RandomAccessFile f = new RandomAccessFile(oversize.toFile(), "rw")) {
      f.setLength(17L << 20);
    }
    Files.setLastModifiedTime(oversize, FileTime.from(Instant.now().minusSeconds(60)));

    try (EventCollector monitor = new EventCollector(broker, station.stationId);
         AgentJvm agent = AgentJvm.start(tmp.resolve("agent.out"), "watch", folder.toString(), "--format",
             "openhtf", "--once", "--config", station.configFile.toString())) {
      assertThat(agent.waitFor(Duration.ofSeconds(90))).as(agent.output()).isZero();
      await().atMost(DELIVERY).until(() -> monitor.finished(f -> true).size() == 3);

      RunFinished passed = monitor.finished(f -> f.serialNumber().equals("SN-HTF-0001")).get(0).data();
      assertThat(passed.outcome()).isEqualTo(RunOutcome.PASS);
      assertThat(passed.program().name()).isEqualTo("fct_main_board");
      assertThat(passed.program().version()).isEqualTo("4.2.0");
      assertThat(passed.operator()).isEqualTo("Jürgen Weiß");
      assertThat(passed.startedAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
      assertThat(passed.steps()).extracting(Step::outcome).containsExactly(StepOutcome.PASS, StepOutcome.PASS,
          StepOutcome.PASS, StepOutcome.SKIPPED, StepOutcome.PASS);
      assertThat(passed.counts().skipped()).isEqualTo(1);
      assertThat(passed.steps().get(0).measurements().get(1).marginal()).isTrue();
      assertThat(passed.steps().get(2).measurements().get(1).text()).isEqualTo("Überprüft ✓ µC-Bootloader");
      Attachment scope = passed.steps().get(0).attachments().stream().filter(a -> a.name().equals("scope_3v3.csv"))
          .findFirst().orElseThrow();
      assertThat(Path.of(scope.path())).hasContent("t_s,v\n0.000,0.00\n0.001,3.29\n0.002,3.31\n");
      assertThat(monitor.logLines(passed.runId(), LogStream.STDOUT)).hasSize(4)
          .contains("INFO openhtf.test_record.fct_main_board fct.py:41: Prüfling SN-HTF-0001 eingelegt");
      assertThat(monitor.logLines(passed.runId(), LogStream.AGENT))
          .contains("phase firmware_version measurement version: validator 'x' matches /^1\\.4\\.\\d+$/");
      assertThat(passed.log().lines()).isEqualTo(6);
      assertThat(monitor.distinct(RunStep.class).stream().filter(e -> e.data().runId().equals(passed.runId())))
          .hasSize(5);

      RunFinished failed = monitor.finished(f -> f.serialNumber().equals("SN-HTF-0002")).get(0).data();
      assertThat(failed.outcome()).isEqualTo(RunOutcome.FAIL);
      assertThat(failed.errorCode()).isEqualTo("RAIL_3V3_HIGH");
      assertThat(failed.failingStep()).isEqualTo("power_up");
      assertThat(failed.steps().get(1).errorCode()).isEqualTo("OSError");

      // the 10 MB attachment went through the agent's 64 MB heap into a file, byte for byte
      RunFinished big = monitor.finished(f -> f.serialNumber().equals("SN-HTF-BIG")).get(0).data();
      Attachment bigFile = big.steps().get(2).attachments().get(0);
      assertThat(bigFile.sizeBytes()).isEqualTo(10_000_000L);
      assertThat(bigFile.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(dump)));
      assertThat(Files.mismatch(Path.of(bigFile.path()), write(tmp.resolve("dump.bin"), dump))).isEqualTo(-1L);

      assertThat(rejectedReason(torn)).contains("not JSON");
      assertThat(rejectedReason(wrongType)).contains("end_time_millis: expected a whole number");
      assertThat(rejectedReason(unknownOutcome)).contains("outcome: \"INCONCLUSIVE\" is not one of");
      assertThat(rejectedReason(oversize)).contains("oversize: 17825792 bytes, over watch.maxFileBytes 16777216");
      // nothing of a rejected file was published, and none left attachment files behind
      assertThat(monitor.distinct(RunStarted.class)).extracting(Event::data).extracting(RunStarted::serialNumber)
          .containsExactlyInAnyOrder("SN-HTF-0001", "SN-HTF-0002", "SN-HTF-BIG");
      try (Stream<Path> runs = Files.list(station.dataDir.resolve("runs"))) {
        assertThat(runs.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder(passed.runId().toString(), big.runId().toString());
      }
      MessageValidator validator = new MessageValidator();
      for (var r : monitor.all()) {
        assertThat(validator.validate(r.payload(), station.stationId)).as(r.topic())
            .isInstanceOf(Validation.Valid.class);
      }
    }
  }

  @Test
  void run_reads_the_openhtf_record_the_wrapped_program_wrote_into_its_run_directory(MqttBroker broker,
      @TempDir Path tmp) throws Exception {
    TestStation station = new TestStation(tmp, broker, null);
    // stands in for an OpenHTF test with OutputToJSON(os.environ["TESTLINE_RUN_DIR"] + "/{dut_id}.json")
    Path program = station.script("fct_openhtf.py", """
        import os, sys
        record = open(sys.argv[1], encoding="utf-8").read()
        with open(os.path.join(os.environ["TESTLINE_RUN_DIR"], "record.json"), "w", encoding="utf-8") as f:
            f.write(record)
        print("openhtf test finished")
        """);
    Path silent = station.script("no_record.py", "print('forgot the output callback')\n");
    try (EventCollector monitor = new EventCollector(broker, station.stationId)) {
      TestStation.Result fail = station.run("SN-HTF-0002", "--results-format", "openhtf", "--", "python3",
          program.toString(), FIXTURES.resolve("fct_fail.json").toAbsolutePath().toString());
      assertThat(fail.exitCode()).as(fail.err()).isEqualTo(AgentExitCodes.FAIL);
      TestStation.Result pass = station.run("SN-HTF-0001", "--results-format", "openhtf", "--", "python3",
          program.toString(), FIXTURES.resolve("fct_pass.json").toAbsolutePath().toString());
      assertThat(pass.exitCode()).as(pass.err()).isEqualTo(AgentExitCodes.PASS);
      TestStation.Result missing = station.run("SN-HTF-0003", "--results-format", "openhtf", "--", "python3",
          silent.toString());
      assertThat(missing.exitCode()).as(missing.err()).isEqualTo(AgentExitCodes.ERROR);

      await().atMost(DELIVERY).until(() -> monitor.finished(f -> true).size() == 3);
      RunFinished failed = monitor.finished(f -> f.serialNumber().equals("SN-HTF-0002")).get(0).data();
      assertThat(failed.outcome()).isEqualTo(RunOutcome.FAIL);
      assertThat(failed.errorCode()).isEqualTo("RAIL_3V3_HIGH");
      assertThat(failed.steps()).extracting(Step::name).containsExactly("power_up", "program_eeprom",
          "leak_current");
      assertThat(monitor.logLines(failed.runId(), LogStream.STDOUT)).containsExactly("openhtf test finished");
      assertThat(monitor.logLines(failed.runId(), LogStream.AGENT)).anyMatch(l -> l.startsWith(
          "openhtf log 2026-01-01T10:00:01.190Z ERROR openhtf.test_record.fct_main_board.phase.program_eeprom"));

      RunFinished passed = monitor.finished(f -> f.serialNumber().equals("SN-HTF-0001")).get(0).data();
      assertThat(passed.outcome()).isEqualTo(RunOutcome.PASS);
      assertThat(passed.steps()).hasSize(5);
      Attachment scope = passed.steps().get(0).attachments().stream().filter(a -> a.name().equals("scope_3v3.csv"))
          .findFirst().orElseThrow();
      assertThat(scope.path()).isEqualTo("attachments/p0-scope_3v3.csv");
      assertThat(station.runDir(passed.runId()).resolve(scope.path())).hasContent(
          "t_s,v\n0.000,0.00\n0.001,3.29\n0.002,3.31\n");

      RunFinished noRecord = monitor.finished(f -> f.serialNumber().equals("SN-HTF-0003")).get(0).data();
      assertThat(noRecord.outcome()).isEqualTo(RunOutcome.ERROR);
      assertThat(noRecord.errorCode()).isEqualTo("OPENHTF_RECORD_MISSING");
    }
  }

  /** fct_fail.json for another DUT, with a binary attachment in its last phase, as json_factory inlines it. */
  private static String withAttachment(String dutId, byte[] data) throws Exception {
    ObjectNode record = (ObjectNode) EventJson.mapper().readTree(FIXTURES.resolve("fct_fail.json").toFile());
    record.put("dut_id", dutId);
    ObjectNode attachment = ((ObjectNode) record.get("phases").get(2).get("attachments")).putObject("dump.bin");
    attachment.put("mimetype", "application/octet-stream");
    attachment.put("sha1", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data)));
    attachment.put("data", Base64.getEncoder().encodeToString(data));
    return EventJson.mapper().writeValueAsString(record);
  }

  /** Writes a file as if it had been there for a minute, so a single scan takes it. */
  private static Path write(Path file, String content) throws Exception {
    return write(file, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Path write(Path file, byte[] content) throws Exception {
    Files.write(file, content);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    return file;
  }

  private static String rejectedReason(Path file) throws Exception {
    assertThat(file).doesNotExist();
    Path rejected = file.resolveSibling(file.getFileName() + ".rejected");
    assertThat(rejected).exists();
    return Files.readString(rejected.resolveSibling(rejected.getFileName() + ".reason.txt"));
  }
}
