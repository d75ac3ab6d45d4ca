package io.testline.consumer.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.consumer.support.RunFixture;
import io.testline.consumer.support.RunFixture.Run;
import io.testline.interop.model.MeasurementRecord;
import io.testline.interop.model.RunRecord;
import io.testline.interop.model.StepRecord;
import io.testline.interop.store.RunLoader;
import io.testline.interop.store.RunSelection;
import io.testline.interop.store.RunWindow;
import io.testline.schemas.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;

/**
 * Runs stored through the real store (result-consumer's {@link EventWriter} on a real PostgreSQL), read back by the
 * interop loader and window, and exported over real HTTP by {@code GET /api/runs/{id}/export}.
 */
@ExtendWith(RealBrokers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunExportIT {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private HikariDataSource dataSource;
  private QueryApi api;
  private List<Run> runs;

  @BeforeAll
  void store_runs_and_start_the_api(Database db) throws Exception {
    dataSource = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2, Duration.ofSeconds(5));
    StoreDataSource.migrate(dataSource);
    // 14 units, unit 0 and 7 fail their first attempt; units 0..2 are retested: serial SN00000 has two runs
    runs = RunFixture.runs(14, 3);
    List<StoredEvent> stored = new ArrayList<>();
    long offset = 0;
    for (Run r : runs) {
      List<Event<?>> events = new ArrayList<>(r.events());
      events.addAll(r.logs());
      events.add(r.verdict());
      for (Event<?> e : events) {
        stored.add(new StoredEvent(e, "t", 0, offset++));
      }
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      new EventWriter().write(c, stored);
      c.commit();
    }
    api = new QueryApi(dataSource).start("127.0.0.1", 0);
  }

  @AfterAll
  void stop() {
    api.close();
    dataSource.close();
  }

  @Test
  void the_loader_reads_a_stored_run_with_its_steps_measurements_log_and_verdict() throws Exception {
    Run failing = runs.get(0);
    RunRecord run = new RunLoader(dataSource).load(failing.runId()).orElseThrow();

    assertThat(run.serialNumber()).isEqualTo(failing.serial());
    assertThat(run.stationId()).isEqualTo(failing.station());
    assertThat(run.operation()).isEqualTo("OP40");
    assertThat(run.finished()).isTrue();
    assertThat(run.outcome()).isEqualTo("FAIL");
    assertThat(run.units()).extracting(RunRecord.Unit::serialNumber).containsExactly(failing.serial());
    assertThat(run.steps()).extracting(StepRecord::path).containsExactly("Boot", RunFixture.FAILING_STEP);
    MeasurementRecord v = run.steps().get(1).measurements().get(0);
    assertThat(v.name()).isEqualTo("v_5v0");
    assertThat(v.value()).isEqualTo(5.61);
    assertThat(v.lowLimit()).isEqualTo(4.75);
    assertThat(v.highLimit()).isEqualTo(5.25);
    assertThat(v.comparator()).isEqualTo("GELE");
    assertThat(v.outcome()).isEqualTo("FAIL");
    assertThat(run.verdict().verdict()).isEqualTo("REJECTED");
    // run 0 has a stdout chunk of three entries (the second split) and a stderr chunk of one
    assertThat(run.logLines()).isEqualTo(4);
    assertThat(run.log()).extracting(RunRecord.LogEntry::text)
        .containsExactly("starting SN00000", "measuring ", "5V0 = 5.61", "warning: fixture 0");
    assertThat(run.log().get(1).partial()).isTrue();
    assertThat(run.log().get(3).stream()).isEqualTo("STDERR");

    RunRecord bounded = new RunLoader(dataSource, 2).load(failing.runId()).orElseThrow();
    assertThat(bounded.log()).hasSize(2);
    assertThat(bounded.logTruncated()).isTrue();
    assertThat(new RunLoader(dataSource).load(UUID.randomUUID())).isEmpty();
  }

  @Test
  void the_loader_reads_several_runs_in_one_snapshot_in_the_order_asked_leaving_out_unknown_ones() throws Exception {
    List<UUID> asked = List.of(runs.get(9).runId(), UUID.randomUUID(), runs.get(2).runId(), runs.get(7).runId());
    List<RunRecord> loaded = new RunLoader(dataSource).loadAll(asked);

    assertThat(loaded).extracting(RunRecord::runId)
        .containsExactly(runs.get(9).runId(), runs.get(2).runId(), runs.get(7).runId());
    assertThat(loaded).extracting(RunRecord::outcome).containsExactly("PASS", "PASS", "FAIL");
    assertThat(loaded).allSatisfy(r -> {
      assertThat(r.steps()).hasSize(2);
      assertThat(r.steps().get(1).measurements()).hasSize(2);
      assertThat(r.log()).hasSize(3);
      assertThat(r.verdict()).isNotNull();
    });
    assertThat(loaded.get(2).steps().get(1).measurements().get(0).value()).isEqualTo(5.61);
    assertThat(loaded.get(0).steps().get(1).measurements().get(0).value()).isEqualTo(5.01);
  }

  @Test
  void the_window_streams_a_serials_runs_and_a_time_windows_runs_oldest_first_across_pages() throws Exception {
    RunWindow window = new RunWindow(dataSource, new RunLoader(dataSource), 2);

    List<RunRecord> serial = new ArrayList<>();
    window.forEach(RunSelection.serial("SN00000"), serial::add);
    assertThat(serial).extracting(RunRecord::attempt).containsExactly(1, 2);

    // runs start one second apart: [3 s, 10 s) holds runs 3..9, of which station ST-5 has run 5
    RunSelection seven = RunSelection.window(RunFixture.T0.plusSeconds(3), RunFixture.T0.plusSeconds(10), null);
    List<UUID> ids = new ArrayList<>();
    assertThat(window.forEach(seven, r -> ids.add(r.runId()))).isEqualTo(7);
    assertThat(ids).containsExactlyElementsOf(runs.subList(3, 10).stream().map(Run::runId).toList());
    assertThat(window.count(seven)).isEqualTo(7);
    List<RunRecord> station = new ArrayList<>();
    window.forEach(RunSelection.window(RunFixture.T0.plusSeconds(3), RunFixture.T0.plusSeconds(10), "ST-5"),
        station::add);
    assertThat(station).extracting(RunRecord::runId).containsExactly(runs.get(5).runId());
  }

  @Test
  void the_api_serves_each_format_as_a_named_download() throws Exception {
    Run failing = runs.get(0);
    String base = "/api/runs/" + failing.runId() + "/export?format=";

    HttpResponse<String> junit = get(base + "junit");
    assertThat(junit.statusCode()).isEqualTo(200);
    assertThat(junit.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
    assertThat(junit.headers().firstValue("Content-Disposition").orElse(""))
        .isEqualTo("attachment; filename=\"SN00000_" + failing.runId() + ".junit.xml\"");
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new java.io.ByteArrayInputStream(junit.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");

    HttpResponse<String> cfx = get(base + "CFX");
    assertThat(cfx.statusCode()).isEqualTo(200);
    assertThat(cfx.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(json.readTree(cfx.body()).at("/MessageBody/TestedUnits/0/OverallResult").asText())
        .isEqualTo("Failed");

    JsonNode openhtf = json.readTree(get(base + "openhtf").body());
    assertThat(openhtf.path("dut_id").asText()).isEqualTo("SN00000");
    assertThat(openhtf.at("/phases/1/measurements/v_5v0/validators/0").asText()).isEqualTo("4.75 <= x <= 5.25");

    HttpResponse<String> own = get(base + "json");
    assertThat(own.headers().firstValue("Content-Disposition").orElse("")).endsWith(".json\"");
    assertThat(json.readTree(own.body()).path("runId").asText()).isEqualTo(failing.runId().toString());
  }

  @Test
  void the_api_refuses_an_unknown_format_naming_the_formats_and_answers_404_for_an_unknown_run() throws Exception {
    HttpResponse<String> unknown = get("/api/runs/" + runs.get(0).runId() + "/export?format=atml");
    assertThat(unknown.statusCode()).isEqualTo(400);
    JsonNode error = json.readTree(unknown.body());
    assertThat(error.path("field").asText()).isEqualTo("format");
    assertThat(error.path("error").asText()).contains("atml", "openhtf, junit, cfx, json");

    assertThat(get("/api/runs/" + runs.get(0).runId() + "/export").statusCode()).isEqualTo(400);
    HttpResponse<String> missing = get("/api/runs/" + UUID.randomUUID() + "/export?format=junit");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json.readTree(missing.body()).path("error").asText()).contains("is not known");
  }

  @Test
  void the_run_endpoint_answers_the_documents_it_always_answered_byte_for_byte() throws Exception {
    // recorded from the API before the run endpoint read through the interop loader: its JSON must not move
    for (int i : new int[] {0, 1}) {
      String golden = new String(getClass().getResourceAsStream("run-" + i + ".json").readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8).strip();
      HttpResponse<String> r = get("/api/runs/" + runs.get(i).runId());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).as("run %d", i).isEqualTo(golden);
    }
  }

  private HttpResponse<String> get(String target) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + target))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
