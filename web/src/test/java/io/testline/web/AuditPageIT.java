package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.audit.AuditReport;
import io.testline.audit.AuditScope;
import io.testline.audit.Auditor;
import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.schemas.DeadLetterReason;
import io.testline.schemas.Event;
import io.testline.schemas.EventJson;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.SeqGap;
import io.testline.schemas.StepOutcome;
import io.testline.web.support.BrowserTest;
import io.testline.web.support.Events;
import io.testline.web.support.ShopfloorLine;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The audit page in a real Chromium over a real line (Kafka, result-consumer, shopfloor-bridge and simulator,
 * PostgreSQL): for a window holding a good, a failed, a rejected and a still open run, a lost sequence number and a
 * dead letter, every count on the page is the one the {@link Auditor} of {@code testline audit} computes for the same
 * window, and each links to what is behind it.
 */
class AuditPageIT extends BrowserTest<ShopfloorLine> {
  private static final Duration SETTLE = Duration.ofSeconds(60);

  @Override
  protected ShopfloorLine startLine(KafkaBroker kafka, Database db) {
    return new ShopfloorLine(kafka, db);
  }

  @Test
  void shows_the_counts_testline_audit_computes_for_the_window_including_a_lost_sequence_number() throws Exception {
    Instant from = ShopfloorLine.now().minusSeconds(1);
    Events st1 = new Events("AUD-01");
    Events st2 = new Events("AUD-02");
    List<Event<?>> sent = new ArrayList<>();
    sent.add(st1.birth(from, "pc-aud-01"));
    sent.add(st2.birth(from, "pc-aud-02"));
    Events.Run good = st1.run("SN-A100", "FCT", 1, from.plusMillis(10));
    sent.add(good.started());
    sent.add(good.measured("supply", "power/supply", "vcc", 5.01, 4.9, 5.1, "V"));
    sent.add(good.finished(RunOutcome.PASS, 0, null));
    Events.Run failed = st1.run("SN-A101", "FCT", 1, from.plusMillis(20));
    sent.add(failed.started());
    sent.add(failed.measured("supply", "power/supply", "vcc", 5.4, 4.9, 5.1, "V"));
    sent.add(failed.finished(RunOutcome.FAIL, 1, null));
    line.simulator().setRoute("SN-A102", List.of("ICT", "FCT"));
    Events.Run rejected = st1.run("SN-A102", "FCT", 1, from.plusMillis(30));
    sent.add(rejected.started());
    sent.add(rejected.finished(RunOutcome.PASS, 0, null));
    Events.Run open = st1.run("SN-A103", "FCT", 1, from.plusMillis(40));
    sent.add(open.started());
    Event<?> lost = open.step("boot", StepOutcome.PASS); // never reaches Kafka: the gap detector reports its seq
    Events.Run other = st2.run("SN-B200", "FCT", 1, from.plusMillis(50));
    sent.add(other.started());
    sent.add(other.finished(RunOutcome.PASS, 0, null));
    line.send(sent);
    line.sendGap(new SeqGap("AUD-01", lost.agentSession(), lost.seq(), lost.seq(), Instant.now(), SeqGap.TIMEOUT));
    line.sendDeadLetter("testline/v1/AUD-01/events", "{not json".getBytes(StandardCharsets.UTF_8),
        DeadLetterReason.MALFORMED_JSON, "Unexpected end-of-input");
    Instant to = ShopfloorLine.now().plusSeconds(1);

    // testline audit's own Auditor, as the command builds it: Kafka, the database by URL
    Auditor cli = new Auditor(new Auditor.Sources(line.kafkaProps(), line.topics(),
        new Auditor.Db(line.db().jdbcUrl(), line.db().user(), line.db().password()), null), Clock.systemUTC());
    // settled: every finished run stored with the shopfloor's verdict
    List<UUID> finished = List.of(good.runId(), failed.runId(), rejected.runId(), other.runId());
    await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() -> line.finishedWithVerdict(finished) == 4);

    String window = "?from=" + q(from.toString()) + "&to=" + q(to.toString());
    open("/audit" + window);
    AuditReport expected = cli.audit(from, to);
    Map<String, Long> shown = checks();
    assertThat(shown).isEqualTo(counts(expected));
    // and what the test made happen, so that equal numbers are also the right ones
    assertThat(shown).containsEntry("runs", 5L).containsEntry("finished", 4L).containsEntry("accepted", 3L)
        .containsEntry("rejected", 1L).containsEntry("started-not-finished", 1L).containsEntry("seq-gaps", 1L)
        .containsEntry("dead-letters", 1L).containsEntry("finished-not-stored", 0L).containsEntry("dead", 0L);
    assertThat(browser.findElement(By.id("audit-verdict")).getText()).startsWith("INCOMPLETE");
    assertThat(browser.findElement(By.cssSelector("#gap-table tr.gap")).getText())
        .contains("AUD-01", lost.agentSession().toString(), Long.toString(lost.seq()), SeqGap.TIMEOUT);
    assertThat(browser.findElement(By.id("dead-letter-samples")).getText())
        .contains("MALFORMED_JSON", "testline/v1/AUD-01/events", "Unexpected end-of-input");
    assertThat(runIds("started-not-finished")).containsExactly(open.runId().toString());
    assertThat(runIds("rejected")).containsExactly(rejected.runId().toString());
    assertThat(browser.findElement(By.cssSelector("table[data-list='rejected']")).getText())
        .contains("ROUTE-STEP", "is at ICT, not at FCT");
    chromium.fitHeight(1400);
    chromium.screenshot("audit");

    // each problem count links to its list on the page; the window's counts to the runs page
    assertThat(link("started-not-finished")).endsWith("#started-not-finished");
    assertThat(link("seq-gaps")).endsWith("#seq-gaps");
    assertThat(link("dead-letters")).endsWith("#dead-letters");
    browser.get(link("runs"));
    assertThat(browser.findElements(By.cssSelector("table.runs tr.run"))).extracting(e -> e.getAttribute("data-run-id"))
        .containsExactlyInAnyOrder(good.runId().toString(), failed.runId().toString(), rejected.runId().toString(),
            open.runId().toString(), other.runId().toString());

    // one station: its runs only, and complete
    open("/audit" + window + "&station=AUD-02");
    assertThat(checks()).isEqualTo(counts(cli.audit(from, to, new AuditScope("AUD-02", null))))
        .containsEntry("runs", 1L).containsEntry("seq-gaps", 0L).containsEntry("dead-letters", 0L);
    assertThat(browser.findElement(By.id("audit-verdict")).getText()).startsWith("COMPLETE");

    // the window's events as a download: every run event the test sent, one per line
    open("/audit" + window);
    String export = browser.findElement(By.id("audit-export")).getAttribute("href");
    HttpResponse<String> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        java.net.URI.create(export)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(download.statusCode()).isEqualTo(200);
    List<UUID> exported = new ArrayList<>();
    for (String l : download.body().split("\n")) {
      exported.add(UUID.fromString(EventJson.mapper().readTree(l).path("eventId").asText()));
    }
    assertThat(exported).containsExactlyInAnyOrderElementsOf(sent.stream()
        .filter(e -> line.topics().forType(e.type()).equals(line.topics().events())).map(Event::eventId).toList());
  }

  /** The page's counts by check. */
  private Map<String, Long> checks() {
    Map<String, Long> shown = new LinkedHashMap<>();
    for (WebElement row : browser.findElements(By.cssSelector("#audit-checks tr[data-check]"))) {
      shown.put(row.getAttribute("data-check"), Long.parseLong(row.findElement(By.cssSelector("td.count")).getText()));
    }
    return shown;
  }

  /** What {@code testline audit} reports, by the page's check names (its Markdown table's rows). */
  private static Map<String, Long> counts(AuditReport r) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("runs", (long) r.runs().size());
    m.put("started", r.count(AuditReport.Run::started));
    m.put("finished", r.count(AuditReport.Run::finished));
    m.put("stored", r.count(AuditReport.Run::stored));
    m.put("verdicted", r.count(run -> run.verdict() != null));
    m.put("accepted", r.count(run -> "ACCEPTED".equals(run.verdict())));
    m.put("rejected", (long) r.rejected().size());
    m.put("started-not-finished", (long) r.startedNotFinished().size());
    m.put("finished-not-stored", (long) r.finishedNotStored().size());
    m.put("without-verdict", (long) r.storedWithoutVerdict().size());
    m.put("not-submitted", (long) r.notSubmitted().size());
    m.put("dead", (long) r.dead().size());
    m.put("seq-gaps", (long) r.seqGaps().size());
    m.put("dead-letters", r.deadLetterCount());
    return m;
  }

  private List<String> runIds(String list) {
    return browser.findElements(By.cssSelector("table[data-list='" + list + "'] tbody tr")).stream()
        .map(e -> e.getAttribute("data-run-id")).toList();
  }

  private String link(String check) {
    return browser.findElement(By.cssSelector("#audit-checks tr[data-check='" + check + "'] td.count a"))
        .getAttribute("href");
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
