package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.schemas.Attachment;
import io.testline.schemas.Event;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.StepOutcome;
import io.testline.shopfloor.simulator.Faults;
import io.testline.shopfloor.simulator.ShopfloorSimulator;
import io.testline.web.support.BrowserTest;
import io.testline.web.support.Events;
import io.testline.web.support.ShopfloorLine;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The run page's trail in a real headless Chromium: attachments with their sha256 (and, plainly, where their bytes
 * are), the shopfloor history the real shopfloor-bridge writes while it talks to the real simulator, the Kafka
 * position of each stored event; and the error page for an unknown run and a bad filter.
 */
class RunPageIT extends BrowserTest<ShopfloorLine> {
  @Override
  protected ShopfloorLine startLine(KafkaBroker kafka, Database db) {
    return new ShopfloorLine(kafka, db);
  }

  @Test
  void each_attachment_shows_the_sha256_the_station_computed_and_says_plainly_when_its_bytes_are_at_the_station()
      throws Exception {
    byte[] capture = "scope capture of the 5V0 rail".getBytes(StandardCharsets.UTF_8);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(capture));
    Events st = new Events("ATT-01");
    Events.Run run = st.run("SN-ATT-1", "FCT", 1, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    line.send(run.started(),
        run.attached("Scope", new Attachment("rail.png", "C:\\testline\\runs\\rail.png", "image/png",
            (long) capture.length, sha256)),
        run.attached("Report", new Attachment("report.pdf", "https://files.plant.example/r/42.pdf", "application/pdf",
            123_456L, "ab".repeat(32))),
        run.finished(RunOutcome.PASS, 0, null));

    openWhenStored("/runs/" + run.runId(), "report.pdf");
    List<WebElement> rows = browser.findElements(By.cssSelector("#attachments tr.attachment"));
    assertThat(rows).hasSize(2);
    WebElement rail = rows.get(0);
    assertThat(rail.findElement(By.cssSelector(".aname")).getText()).isEqualTo("rail.png");
    assertThat(rail.findElement(By.cssSelector(".sha256")).getText()).isEqualTo(sha256);
    assertThat(rail.findElement(By.cssSelector(".asize")).getText()).isEqualTo(capture.length + " B");
    assertThat(rail.findElements(By.tagName("a"))).as("no dead link to a station's disk").isEmpty();
    assertThat(rail.getText()).contains("only at the station", "C:\\testline\\runs\\rail.png");
    WebElement report = rows.get(1);
    assertThat(report.findElement(By.cssSelector("a.download")).getAttribute("href"))
        .isEqualTo("https://files.plant.example/r/42.pdf");
    assertThat(report.findElement(By.cssSelector(".asize")).getText()).isEqualTo("123.5 kB");
    assertThat(browser.findElement(By.cssSelector("#attachments .note")).getText())
        .contains("stay on the station PC");
    chromium.fitHeight(1280);
    chromium.screenshot("run-attachments");
  }

  @Test
  void the_shopfloor_history_lists_every_attempt_of_a_run_refused_then_accepted_and_of_a_rejected_run()
      throws Exception {
    Events st = new Events("SF-01");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Events.Run retried = st.run("SN-SF-1", "FCT", 1, now);
    Events.Run rejected = st.run("SN-SF-2", "FCT", 1, now.plusSeconds(1));
    line.simulator().setRoute(rejected.serial(), List.of("ICT", "FCT"));

    // the shopfloor answers 503 to everything until the first refusal is in the ledger
    line.simulator().setFaults(Faults.NONE.withErrorRate(1.0));
    line.send(retried.started(), retried.step("Boot", StepOutcome.PASS), retried.finished(RunOutcome.PASS, 0, null));
    await().atMost(LIVE).until(() -> answered(retried.runId()) >= 1);
    line.simulator().setFaults(Faults.NONE);
    line.send(rejected.started(), rejected.finished(RunOutcome.PASS, 0, null));

    openWhenStored("/runs/" + retried.runId(), "ACCEPTED");
    int attempts = Integer.parseInt(browser.findElement(By.cssSelector("dd.sfattempts")).getText().split(" ")[0]);
    List<WebElement> rows = browser.findElements(By.cssSelector("#shopfloor tr.sfattempt"));
    assertThat(attempts).isGreaterThanOrEqualTo(2);
    assertThat(rows).as("one row per attempt, in order").hasSize(attempts);
    for (int i = 0; i < rows.size(); i++) {
      WebElement row = rows.get(i);
      assertThat(row.getAttribute("data-attempt")).isEqualTo(String.valueOf(i + 1));
      if (i < rows.size() - 1) {
        assertThat(row.findElement(By.cssSelector(".sfoutcome")).getText()).isEqualTo("RETRY");
        assertThat(row.findElement(By.cssSelector(".sfmessage")).getText()).contains("503");
      } else {
        assertThat(row.findElement(By.cssSelector(".sfoutcome")).getText()).isEqualTo("ACCEPTED");
        assertThat(row.findElement(By.cssSelector(".sfmessage")).getText()).contains("ref.");
      }
    }
    assertThat(browser.findElement(By.cssSelector("dd.sfstate")).getText()).isEqualTo("ACCEPTED");
    chromium.fitHeight(1280);
    chromium.screenshot("run-shopfloor");

    openWhenStored("/runs/" + rejected.runId(), "ROUTE-STEP");
    List<WebElement> refused = browser.findElements(By.cssSelector("#shopfloor tr.sfattempt"));
    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).findElement(By.cssSelector(".sfoutcome")).getText()).isEqualTo("REJECTED");
    assertThat(refused.get(0).findElement(By.cssSelector(".sfcode")).getText())
        .isEqualTo(ShopfloorSimulator.ROUTE_STEP);
    assertThat(refused.get(0).findElement(By.cssSelector(".sfmessage")).getText()).isNotBlank();
    assertThat(browser.findElement(By.cssSelector("dd.sfstate")).getText()).isEqualTo("REJECTED");
  }

  @Test
  void provenance_lists_the_kafka_position_the_producer_got_back_for_each_event_of_the_run() {
    Events st = new Events("PROV-01");
    Events.Run run = st.run("SN-PROV-1", "FCT", 1, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    List<Event<?>> events = List.of(run.started(), run.step("Boot", StepOutcome.PASS),
        run.log(LogStream.STDOUT, "booting"), run.finished(RunOutcome.PASS, 0, null));
    List<RecordMetadata> written = line.send(events);
    List<String> expected = written.stream().map(m -> m.topic() + " " + m.partition() + " " + m.offset()).toList();

    // the shopfloor-bridge's verdict adds a shopfloor.verdict event of the run: wait for it too
    await().atMost(LIVE).pollInterval(Duration.ofMillis(250)).until(() -> {
      open("/runs/" + run.runId());
      return browser.findElements(By.cssSelector("#provenance tr.kafka")).size() == events.size() + 1;
    });
    WebElement details = browser.findElement(By.cssSelector("#provenance details"));
    assertThat(details.getAttribute("open")).as("collapsed until asked").isNull();
    details.findElement(By.tagName("summary")).click();
    List<String> shown = browser.findElements(By.cssSelector("#provenance tr.kafka")).stream()
        .filter(r -> !r.findElement(By.cssSelector("td")).getText().startsWith("testline.shopfloor.verdict"))
        .map(r -> r.findElement(By.cssSelector(".topic")).getText() + " "
            + r.findElement(By.cssSelector(".partition")).getText() + " "
            + r.findElement(By.cssSelector(".offset")).getText())
        .toList();
    assertThat(shown).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(browser.findElement(By.cssSelector("#provenance tbody")).getText())
        .contains(line.topics().verdicts());
  }

  @Test
  void an_unknown_run_is_a_404_and_a_bad_filter_a_400_each_with_a_readable_page() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    UUID unknown = UUID.randomUUID();
    HttpResponse<String> notFound = http.send(HttpRequest.newBuilder(line.web().resolve("/runs/" + unknown)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notFound.statusCode()).isEqualTo(404);
    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(line.web().resolve("/runs?outcome=MAYBE")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);

    open("/runs/" + unknown);
    assertThat(browser.findElement(By.tagName("h1")).getText()).contains("404").contains("Not found");
    assertThat(browser.findElement(By.cssSelector("p.error")).getText())
        .isEqualTo("run " + unknown + " is not known");
    chromium.screenshot("error-404");

    open("/runs?outcome=MAYBE&station=FCT-1");
    assertThat(browser.findElement(By.cssSelector(".error")).getText())
        .isEqualTo("outcome: \"MAYBE\" is not one of PASS, FAIL, ERROR, TIMEOUT, ABORTED, CRASHED, RUNNING");
    assertThat(browser.findElement(By.name("station")).getAttribute("value")).as("the valid fields are kept")
        .isEqualTo("FCT-1");
    chromium.screenshot("error-400");
  }

  /** How many attempts of the run the shopfloor-bridge has recorded an answer to. */
  private int answered(UUID runId) throws Exception {
    try (Connection c = line.dataSource().getConnection();
         PreparedStatement ps = c.prepareStatement("select count(*) from shopfloor_attempt where run_id = ?")) {
      ps.setObject(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      return 0; // the bridge has not created its tables yet
    }
  }
}
