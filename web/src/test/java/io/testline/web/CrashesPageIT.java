package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import io.testline.schemas.Event;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.web.support.BrowserTest;
import io.testline.web.support.Events;
import io.testline.web.support.Pipeline;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The crashes page in a real Chromium over crashed and hung runs the real result-consumer stored from Kafka: the
 * Pareto's counts and cumulative shares equal the test's own data, each site links to exactly its runs, and file and
 * function names a station sent are shown as text.
 */
class CrashesPageIT extends BrowserTest<Pipeline> {
  private static final String FROM = "2026-02-03T00:00:00Z";
  private static final String TO = "2026-02-04T00:00:00Z";
  private static final Instant AT = Instant.parse("2026-02-03T09:00:00Z");
  /** A site whose file and function are markup: shown as text, never run. */
  private static final CrashSite HOSTILE =
      new CrashSite("<img src=x onerror=alert(1)>.py", 7, "\"><script>alert(2)</script>");
  private static final CrashSite SPIN = new CrashSite("burn_in.c", 5, "wait_forever");
  private static final CrashSite ELSEWHERE = new CrashSite("/opt/other/psu.py", 12, "read_rail");

  @Override
  protected Pipeline startLine(KafkaBroker kafka, Database db) {
    return new Pipeline(kafka, db);
  }

  @Test
  void crash_sites_are_counted_most_frequent_first_and_each_links_to_exactly_its_runs() throws Exception {
    Events st = new Events("CRASH-01");
    Events other = new Events("CRASH-02");
    List<Event<?>> events = new ArrayList<>();
    List<UUID> hostileRuns = new ArrayList<>();
    // three runs at the hostile site (two units, two crashed, one hung), one hung at SPIN
    hostileRuns.add(run(st, "SN-C1", 0, RunOutcome.CRASHED, crash(CrashKind.PYTHON_TRACEBACK, HOSTILE), events));
    hostileRuns.add(run(st, "SN-C1", 1, RunOutcome.CRASHED, crash(CrashKind.PYTHON_TRACEBACK, HOSTILE), events));
    hostileRuns.add(run(st, "SN-C2", 2, RunOutcome.TIMEOUT, crash(CrashKind.PYTHON_TRACEBACK, HOSTILE), events));
    UUID spin = run(st, "SN-C3", 3, RunOutcome.TIMEOUT, crash(CrashKind.NATIVE_BACKTRACE, SPIN), events);
    // not counted: a crash without a site, a pass, and a crash the day after the window
    run(st, "SN-C4", 4, RunOutcome.CRASHED, Crash.none("SIGKILL writes no core"), events);
    run(st, "SN-C5", 5, RunOutcome.PASS, null, events);
    run(st, "SN-C6", 60 * 24, RunOutcome.CRASHED, crash(CrashKind.NATIVE_BACKTRACE, SPIN), events);
    // another station's crash: on the page without a station filter only
    run(other, "SN-C7", 6, RunOutcome.CRASHED, crash(CrashKind.PYTHON_TRACEBACK, ELSEWHERE), events);
    line.send(events);

    String window = "from=" + FROM + "&to=" + TO;
    openWhenStored("/crashes?" + window + "&station=CRASH-01", 2);
    List<WebElement> rows = browser.findElements(By.cssSelector("tr.crashsite"));
    assertThat(rows).extracting(r -> r.getAttribute("data-site")).containsExactly(HOSTILE.key(), SPIN.key());
    assertThat(rows).extracting(r -> r.getAttribute("data-runs")).containsExactly("3", "1");
    assertThat(rows).extracting(r -> r.getAttribute("data-cumulative")).containsExactly("75.00", "100.00");
    WebElement first = rows.get(0);
    assertThat(first.findElement(By.cssSelector(".site")).getText()).isEqualTo(HOSTILE.key());
    assertThat(first.findElement(By.cssSelector(".crashed")).getText()).isEqualTo("2");
    assertThat(first.findElement(By.cssSelector(".hung")).getText()).isEqualTo("1");
    assertThat(first.findElement(By.cssSelector(".units")).getText()).isEqualTo("2");
    assertThat(first.findElement(By.cssSelector("td.share")).getText()).isEqualTo("75.0 %");
    assertThat(first.findElement(By.cssSelector("rect.bar-share")).getAttribute("width")).isEqualTo("75.00");
    assertThat(rows.get(1).findElement(By.cssSelector("td.cum")).getText()).isEqualTo("100.0 %");
    assertThat(browser.findElement(By.cssSelector("[data-stat=runs]")).getText()).isEqualTo("4");
    assertNothingInjected("main script, main img");
    chromium.screenshot("crashes");

    first.findElement(By.cssSelector(".site a")).click();
    await().atMost(LIVE).until(() -> browser.getCurrentUrl().contains("/runs?"));
    assertThat(shownRunIds()).containsExactlyInAnyOrderElementsOf(hostileRuns.stream().map(UUID::toString).toList());
    assertThat(browser.findElement(By.cssSelector(".filters [name=crashSite]")).getAttribute("value"))
        .isEqualTo(HOSTILE.key());
    assertNothingInjected("main script, main img");
    open("/runs?crashSite=" + URLEncoder.encode(SPIN.key(), StandardCharsets.UTF_8) + "&" + window);
    assertThat(shownRunIds()).containsExactly(spin.toString());

    open("/crashes?" + window);
    assertThat(browser.findElements(By.cssSelector("tr.crashsite"))).extracting(r -> r.getAttribute("data-site"))
        .containsExactly(HOSTILE.key(), ELSEWHERE.key(), SPIN.key());
    open("/crashes?" + window + "&program=another.py");
    assertThat(browser.findElement(By.cssSelector("main .empty")).getText()).contains("No run crashed");
  }

  @Test
  void a_window_that_ends_before_it_starts_is_refused_naming_the_field() throws Exception {
    HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        line.web().resolve("/crashes?from=" + TO + "&to=" + FROM)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(400);
    assertThat(reply.body()).contains("to: ", "2026-02-03T00:00", "is not after from");
  }

  private static Crash crash(CrashKind kind, CrashSite site) {
    return new Crash(kind, site, null, "Fatal Python error: Segmentation fault\n", null);
  }

  /** A run started {@code minutes} after {@link #AT} that ended as told; returns its id. */
  private static UUID run(Events st, String serial, int minutes, RunOutcome outcome, Crash crash,
      List<Event<?>> events) {
    Events.Run run = st.run(serial, "FCT", 1, AT.plusSeconds(60L * minutes));
    Event<?> finished = run.finished(outcome, outcome == RunOutcome.PASS ? 0 : null,
        outcome == RunOutcome.CRASHED ? "SIGSEGV" : null);
    RunFinished data = crash == null ? (RunFinished) finished.data() : ((RunFinished) finished.data()).withCrash(crash);
    events.add(run.started());
    events.add(Event.of(finished.stationId(), finished.agentSession(), finished.seq(), finished.occurredAt(), data));
    return run.runId();
  }

  private List<String> shownRunIds() {
    return browser.findElements(By.cssSelector("tr.run")).stream().map(e -> e.getAttribute("data-run-id")).toList();
  }

  /** Opens the crashes page until it lists {@code sites} sites (the consumer stores asynchronously). */
  private void openWhenStored(String path, int sites) {
    openUntil(path, () -> browser.findElements(By.cssSelector("tr.crashsite")).size() == sites
        && browser.findElements(By.cssSelector("[data-stat=runs]")).stream().anyMatch(e -> e.getText().equals("4")));
  }
}
