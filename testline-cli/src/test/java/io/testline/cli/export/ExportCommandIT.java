package io.testline.cli.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.agent.openhtf.OpenHtfImporter;
import io.testline.agent.results.ImportedRun;
import io.testline.cli.Main;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.interop.ExportFormat;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import io.testline.interop.store.RunLoader;
import io.testline.interop.store.RunSelection;
import io.testline.interop.store.RunWindow;
import io.testline.schemas.Comparator;
import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.LogLine;
import io.testline.schemas.LogStream;
import io.testline.schemas.LogSummary;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunLog;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.UnitUnderTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

/**
 * {@code testline export} as a command, over runs stored by result-consumer's writer in a real PostgreSQL: one run
 * to a file (in process and through the packaged {@code bin/testline}), a serial's runs into a folder, a station's
 * window into one file; bad selections are usage errors naming the option.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportCommandIT {
  private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");
  private final ObjectMapper json = new ObjectMapper();
  private final List<UUID> runIds = new ArrayList<>();
  private HikariDataSource dataSource;
  private Database db;

  /** Six runs a minute apart: SN-0..SN-2 at ST-A then again at ST-B (SN-1 fails there). */
  @BeforeAll
  void store_runs(Database db) throws Exception {
    this.db = db;
    dataSource = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2, Duration.ofSeconds(5));
    StoreDataSource.migrate(dataSource);
    List<StoredEvent> stored = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      for (Event<?> e : run(i, "SN-" + (i % 3), i < 3 ? "ST-A" : "ST-B", i == 4)) {
        stored.add(new StoredEvent(e, "t", 0, stored.size()));
      }
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      new EventWriter().write(c, stored);
      c.commit();
    }
  }

  @AfterAll
  void close() {
    dataSource.close();
  }

  @Test
  void exports_one_run_to_a_junit_file(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("out/run.xml");
    assertThat(export("--format", "junit", "--run", runIds.get(4).toString(), "--output", file.toString()))
        .isZero();

    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("testsuite");
    assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
    assertThat(doc.getElementsByTagName("failure").item(0).getTextContent()).contains("v_5v0 = 5.61 V");
    assertThat(tmp.resolve("out/run.xml.part")).doesNotExist();
  }

  @Test
  void exports_every_run_of_a_serial_into_a_folder_one_openhtf_record_each(@TempDir Path tmp) throws Exception {
    Path folder = tmp.resolve("sn1");
    assertThat(export("--format", "openhtf", "--serial", "SN-1", "--output", folder + "/")).isZero();

    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
        "SN-1_" + runIds.get(1) + ".openhtf.json", "SN-1_" + runIds.get(4) + ".openhtf.json");
    JsonNode failed = json.readTree(folder.resolve("SN-1_" + runIds.get(4) + ".openhtf.json").toFile());
    assertThat(failed.path("dut_id").asText()).isEqualTo("SN-1");
    assertThat(failed.path("outcome").asText()).isEqualTo("FAIL");
    assertThat(failed.at("/log_records/0/message").asText()).isEqualTo("run 4 starting");
  }

  @Test
  void exports_a_stations_window_into_one_cfx_file_oldest_first(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("shift.cfx.json");
    assertThat(export("--format", "cfx", "--from", T0.toString(), "--to", T0.plusSeconds(3600).toString(),
        "--station", "ST-B", "--output", file.toString())).isZero();

    JsonNode envelopes = json.readTree(file.toFile());
    assertThat(envelopes).hasSize(3);
    assertThat(envelopes.findValuesAsText("TransactionId"))
        .containsExactly(runIds.get(3).toString(), runIds.get(4).toString(), runIds.get(5).toString());
    assertThat(envelopes.get(1).at("/MessageBody/TestedUnits/0/OverallResult").asText()).isEqualTo("Failed");
  }

  @Test
  void an_openhtf_export_is_read_back_by_the_agents_openhtf_import_as_the_same_run(@TempDir Path tmp)
      throws Exception {
    RunRecord stored = new RunLoader(dataSource).load(runIds.get(4)).orElseThrow();
    Path file = tmp.resolve("run4.json");
    assertThat(export("--format", "openhtf", "--run", stored.runId().toString(), "--output", file.toString()))
        .isZero();

    ImportedRun imported;
    try (var in = Files.newInputStream(file)) {
      imported = OpenHtfImporter.read(in, tmp.resolve("attachments"), Path::toString);
    }

    assertThat(imported.serialNumber()).isEqualTo(stored.serialNumber());
    assertThat(imported.programName()).isEqualTo(stored.programName());
    assertThat(imported.programVersion()).isEqualTo(stored.programVersion());
    assertThat(imported.programHash()).isEqualTo(stored.programHash()).startsWith("sha256:c0ffee");
    assertThat(imported.partNumber()).isEqualTo(stored.partNumber());
    assertThat(imported.operator()).isEqualTo(stored.operator());
    assertThat(imported.startedAt()).isEqualTo(stored.startedAt());
    assertThat(imported.endedAt()).isEqualTo(stored.endedAt());
    assertThat(imported.outcome().name()).isEqualTo(stored.outcome());
    assertThat(imported.steps()).hasSameSizeAs(stored.steps());
    for (int i = 0; i < stored.steps().size(); i++) {
      StepRecord want = stored.steps().get(i);
      Step got = imported.steps().get(i);
      assertThat(got.name()).isEqualTo(want.name());
      assertThat(got.path()).isEqualTo(want.path()).isEqualTo("Power/Rails");
      assertThat(got.outcome().name()).isEqualTo(want.outcome());
      assertThat(got.startedAt()).isEqualTo(want.startedAt());
      assertThat(got.endedAt()).isEqualTo(want.endedAt());
      assertThat(got.measurements()).extracting(Measurement::name, Measurement::value, Measurement::unit,
              Measurement::lowLimit, Measurement::highLimit, m -> m.comparator().name(), m -> m.outcome().name())
          .containsExactlyElementsOf(want.measurements().stream().map(m -> org.assertj.core.groups.Tuple.tuple(
              m.name(), m.value(), m.unit(), m.lowLimit(), m.highLimit(), m.comparator(), m.outcome())).toList());
    }
    assertThat(imported.log()).hasSize(1);
    assertThat(imported.log().get(0).text()).endsWith("run 4 starting");
  }

  @Test
  void a_window_export_reports_its_progress_on_stderr(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicLong calls = new AtomicLong();
    Clock everyCallThreeSecondsLater = new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return T0.plusSeconds(3 * calls.getAndIncrement());
      }
    };
    Path file = tmp.resolve("all.json");
    Exporter exporter = new Exporter(ExportFormat.JSON, file, false,
        new PrintStream(err, true, StandardCharsets.UTF_8), everyCallThreeSecondsLater);
    RunWindow window = new RunWindow(dataSource,
        new RunLoader(dataSource), 2);

    assertThat(exporter.all(window, RunSelection.window(T0, T0.plusSeconds(3600), null)))
        .isEqualTo(6);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("export: 1 / ~6 runs", "export: 6 / ~6 runs");
    assertThat(json.readTree(file.toFile())).hasSize(6);
  }

  @Test
  void bad_selections_are_usage_errors_naming_the_option(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
    String out = tmp.resolve("x").toString();
    assertThat(cli.execute("export", "--format", "atml", "--run", runIds.get(0).toString(), "--output", out))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("openhtf, junit, cfx, json");
    assertThat(cli.execute("export", "--format", "json", "--serial", "SN-1", "--run", runIds.get(0).toString(),
        "--output", out)).isEqualTo(2);
    assertThat(cli.execute("export", "--format", "openhtf", "--serial", "SN-1", "--output", out)).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--output: OpenHTF writes one record per file");
    assertThat(export("--format", "json", "--run", UUID.randomUUID().toString(), "--output", out)).isEqualTo(1);
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void the_packaged_command_exports_a_run(@TempDir Path tmp) throws Exception {
    Path launcher = Path.of(System.getProperty("testline.dist", "target/testline")).resolve("bin/testline");
    Path file = tmp.resolve("run.json");
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "export", "--format", "json", "--run",
        runIds.get(0).toString(), "--output", file.toString(), "--db-url", db.jdbcUrl(), "--db-user", db.user())
        .redirectErrorStream(true);
    pb.environment().put("TESTLINE_DB_PASSWORD", db.password());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("exported run " + runIds.get(0));
    JsonNode run = json.readTree(file.toFile());
    assertThat(run.path("format").asText()).isEqualTo("testline.run/1");
    assertThat(run.path("serialNumber").asText()).isEqualTo("SN-0");
    assertThat(run.path("steps")).hasSize(1);
  }

  private int export(String... args) {
    String[] all = new String[args.length + 7];
    all[0] = "export";
    System.arraycopy(args, 0, all, 1, args.length);
    int i = args.length + 1;
    all[i++] = "--db-url";
    all[i++] = db.jdbcUrl();
    all[i++] = "--db-user";
    all[i++] = db.user();
    all[i++] = "--db-password";
    all[i] = db.password();
    return new CommandLine(new Main()).execute(all);
  }

  private List<Event<?>> run(int i, String serial, String station, boolean fails) {
    UUID runId = new UUID(0x7100_0000_0000_0000L | i, 0x8000_0000_0000_0000L | i);
    runIds.add(runId);
    UUID session = new UUID(0x4000 + i, 4);
    Instant start = T0.plusSeconds(60L * i);
    Program program = new Program("board-test", "2.0", "sha256:" + "c0ffee".repeat(10) + "0123");
    List<UnitUnderTest> units = List.of(UnitUnderTest.of(serial));
    double v = fails ? 5.61 : 5.01;
    // a path that does not end in the step's name: the OpenHTF round trip keeps it
    Step rail = new Step("5V0 rail", "Power/Rails", 0, start, start.plusMillis(500),
        fails ? StepOutcome.FAIL : StepOutcome.PASS,
        List.of(new Measurement("v_5v0", v, null, "V", 4.75, 5.25, Comparator.GELE, 5.0,
            fails ? MeasurementOutcome.FAIL : MeasurementOutcome.PASS, false)), null, null, null);
    RunFinished finished = new RunFinished(runId, serial, units, "PCB-1", "A", program, "op", "WO-1", 1, "FCT",
        "OP40", start, start.plusSeconds(1), 1000, fails ? RunOutcome.FAIL : RunOutcome.PASS, fails ? 1 : 0, null,
        null, null, null, fails ? "Power/Rails" : null, new Counts(1, fails ? 0 : 1, fails ? 1 : 0, 0L, 0L, 1L,
        fails ? 1L : 0L), new LogSummary(1, 16, 1, "00".repeat(32)), List.of(rail));
    return List.of(
        Event.of(station, session, 0, start, new RunStarted(runId, serial, units, "PCB-1", "A", program, "op",
            "WO-1", 1, "FCT", "OP40")),
        Event.of(station, session, 1, start.plusMillis(100), new RunLog(runId, serial, LogStream.STDOUT, 0, 1,
            List.of(LogLine.of(start.plusMillis(10), "run " + i + " starting")), 16)),
        Event.of(station, session, 2, start.plusSeconds(1), finished));
  }
}
