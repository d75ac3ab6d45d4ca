package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.testline.brokers.Database;
import io.testline.brokers.junit.RealBrokers;
import io.testline.consumer.store.EventWriter;
import io.testline.consumer.store.StoreDataSource;
import io.testline.consumer.store.StoredEvent;
import io.testline.schemas.Comparator;
import io.testline.schemas.Counts;
import io.testline.schemas.Event;
import io.testline.schemas.LogSummary;
import io.testline.schemas.Measurement;
import io.testline.schemas.MeasurementOutcome;
import io.testline.schemas.Program;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.RunStarted;
import io.testline.schemas.Step;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.UnitUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The run page links each export, and the web serves them itself through the interop mapping. */
@ExtendWith(RealBrokers.class)
class RunExportLinksIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void the_run_page_links_json_junit_cfx_and_openhtf_downloads_that_the_web_serves(Database db) throws Exception {
    UUID runId = UUID.randomUUID();
    try (HikariDataSource ds = StoreDataSource.create(db.jdbcUrl(), db.user(), db.password(), 2,
        Duration.ofSeconds(5))) {
      StoreDataSource.migrate(ds);
      store(ds, runId, "SN <1>&2");
      try (WebServer web = new WebServer(ds, new WebConfig("127.0.0.1", 0, ZoneOffset.UTC, WebConfig.DEFAULT_SHIFTS,
          null)).start()) {
        String page = get(web, "/runs/" + runId).body();
        Matcher links = Pattern.compile("href=\"(/runs/" + runId + "/export\\.([a-z]+))\" type=\"([a-z/]+)\"")
            .matcher(page);
        List<String> formats = new ArrayList<>();
        List<String> hrefs = new ArrayList<>();
        List<String> types = new ArrayList<>();
        while (links.find()) {
          hrefs.add(links.group(1));
          formats.add(links.group(2));
          types.add(links.group(3));
        }
        assertThat(formats).containsExactly("json", "junit", "cfx", "openhtf");
        assertThat(page).contains("Download: ");

        for (int i = 0; i < hrefs.size(); i++) {
          String href = hrefs.get(i);
          HttpResponse<String> r = get(web, href);
          assertThat(r.statusCode()).as(href).isEqualTo(200);
          // the link announces the content type the download is served with
          assertThat(r.headers().firstValue("Content-Type").orElse("")).as(href).startsWith(types.get(i) + ";");
          assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
              .startsWith("attachment; filename=\"SN__1__2_" + runId + ".");
        }
        HttpResponse<String> junit = get(web, hrefs.get(1));
        assertThat(junit.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new java.io.ByteArrayInputStream(junit.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(new ObjectMapper().readTree(get(web, hrefs.get(3)).body()).path("dut_id").asText())
            .isEqualTo("SN <1>&2");
        assertThat(get(web, "/runs/" + runId + "/export.atml").statusCode()).isEqualTo(404);
        assertThat(get(web, "/runs/" + UUID.randomUUID() + "/export.json").statusCode()).isEqualTo(404);
      }
    }
  }

  private HttpResponse<String> get(WebServer web, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void store(HikariDataSource ds, UUID runId, String serial) throws Exception {
    Instant start = Instant.parse("2026-12-07T06:00:00Z");
    Program program = new Program("board-test", "2.0", null);
    List<UnitUnderTest> units = List.of(UnitUnderTest.of(serial));
    Step rail = new Step("5V0 rail", "Power/Rails/5V0", 0, start, start.plusMillis(500), StepOutcome.FAIL,
        List.of(new Measurement("v_5v0", 5.61, null, "V", 4.75, 5.25, Comparator.GELE, 5.0,
            MeasurementOutcome.FAIL, false)), null, null, null);
    RunFinished finished = new RunFinished(runId, serial, units, "PCB-1", "A", program, "op", "WO-1", 1, "FCT",
        "OP40", start, start.plusSeconds(1), 1000, RunOutcome.FAIL, 1, null, null, null, null, "Power/Rails/5V0",
        new Counts(1, 0, 1, 0L, 0L, 1L, 1L), new LogSummary(0, 0, 0, "00".repeat(32)), List.of(rail));
    UUID session = UUID.randomUUID();
    List<StoredEvent> events = List.of(
        new StoredEvent(Event.of("ST-W", session, 0, start, new RunStarted(runId, serial, units, "PCB-1", "A",
            program, "op", "WO-1", 1, "FCT", "OP40")), "t", 0, 0),
        new StoredEvent(Event.of("ST-W", session, 1, start.plusSeconds(1), finished), "t", 0, 1));
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      new EventWriter().write(c, events);
      c.commit();
    }
  }
}
