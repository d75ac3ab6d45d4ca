package io.testline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testline.brokers.Database;
import io.testline.brokers.KafkaBroker;
import io.testline.schemas.Crash;
import io.testline.schemas.CrashKind;
import io.testline.schemas.CrashSite;
import io.testline.schemas.Event;
import io.testline.schemas.LogStream;
import io.testline.schemas.RunFinished;
import io.testline.schemas.RunOutcome;
import io.testline.schemas.StepOutcome;
import io.testline.schemas.Verdict;
import io.testline.web.support.BrowserTest;
import io.testline.web.support.Events;
import io.testline.web.support.Pipeline;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebElement;

/**
 * The web pages in a real headless Chromium, over data the real result-consumer stored from Kafka: the line page
 * changes live (no reload) as a station's runs start and finish; the runs page's filters; a run page's steps,
 * measurements, failing step and own log lines; a unit's history; station text shown as text, never as markup.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPagesIT extends BrowserTest<Pipeline> {
  /** The runs page's data lie in a window of their own, so other tests' runs never match its filters. */
  private static final Instant WINDOW = Instant.parse("2026-01-05T08:00:00Z");
  private static final String HOSTILE = "<script>alert(1)</script>";

  @Override
  protected Pipeline startLine(KafkaBroker kafka, Database db) {
    return new Pipeline(kafka, db);
  }

  @Test
  @Order(0)
  void every_page_is_served_with_a_content_security_policy_that_allows_only_its_own_scripts() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    for (String path : List.of("/", "/runs", "/units/SN-X", "/runs/" + java.util.UUID.randomUUID())) {
      var response = http.send(java.net.http.HttpRequest.newBuilder(line.web().resolve(path)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.headers().firstValue("Content-Security-Policy")).as(path)
          .hasValue(WebServer.CONTENT_SECURITY_POLICY);
      assertThat(response.statusCode()).as(path).isEqualTo(path.startsWith("/runs/") ? 404 : 200);
    }
  }

  @Test
  @Order(1)
  void the_line_page_shows_a_station_come_online_test_a_unit_and_go_offline_without_a_reload() {
    open("/");
    browser.executeScript("window.testlineNotReloaded = true");
    Events st = new Events("LIVE-01");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    line.send(st.birth(now, "fct-pc-01"));
    awaitTile("LIVE-01", t -> t.getAttribute("class").contains("online") && t.getText().contains("no run yet"));

    Events.Run first = st.run("SN-LIVE-1", "FCT", 1, now.plusSeconds(1));
    line.send(first.started());
    awaitTile("LIVE-01", t -> t.getText().contains("TESTING") && t.getText().contains("SN-LIVE-1"));
    line.send(first.step("Boot", StepOutcome.PASS));
    awaitTile("LIVE-01", t -> t.findElement(By.cssSelector(".step")).getText().equals("Boot"));
    line.send(first.measured("5V0 rail", "Power/Rails/5V0", "v_5v0", 5.61, 4.75, 5.25, "V"),
        first.finished(RunOutcome.FAIL, 1, null));
    awaitTile("LIVE-01", t -> big(t).equals("FAIL") && !t.getText().contains("TESTING"));
    awaitStat("runs", "1");

    Events.Run second = st.run("SN-LIVE-2", "FCT", 1, now.plusSeconds(10));
    line.send(second.started());
    awaitTile("LIVE-01", t -> t.getText().contains("TESTING") && t.getText().contains("SN-LIVE-2"));
    line.send(second.step("Boot", StepOutcome.PASS), second.finished(RunOutcome.PASS, 0, null));
    awaitTile("LIVE-01", t -> big(t).equals("PASS"));
    line.send(second.verdict(Verdict.REJECTED, "R-ROUTE"));
    awaitTile("LIVE-01", t -> big(t).equals("REJECTED") && t.getText().contains("R-ROUTE"));

    line.send(st.death(now.plusSeconds(20)));
    awaitTile("LIVE-01", t -> t.getAttribute("class").contains("offline"));
    // the last unit's result stays on the tile of a station that went offline
    assertThat(big(tile("LIVE-01"))).isEqualTo("REJECTED");
    assertThat(browser.executeScript("return window.testlineNotReloaded === true")).isEqualTo(true);
    awaitStat("rejected", "1");
  }

  @Test
  @Order(2)
  void the_line_page_stays_live_when_the_database_drops_the_listening_connection() {
    open("/");
    browser.executeScript("window.testlineNotReloaded = true");
    Events st = new Events("LIVE-02");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    line.send(st.birth(now, "fct-pc-02"));
    awaitTile("LIVE-02", t -> t.getText().contains("no run yet"));

    // a real fault: the server ends the web's LISTEN session, as a database restart or failover would
    await().atMost(LIVE).until(() -> line.count("select count(*) from (select pg_terminate_backend(pid) from "
        + "pg_stat_activity where datname = current_database() and query ilike 'LISTEN%') t") > 0);
    Events.Run run = st.run("SN-AFTER-DROP", "FCT", 1, now.plusSeconds(1));
    line.send(run.started());
    awaitTile("LIVE-02", t -> t.getText().contains("TESTING") && t.getText().contains("SN-AFTER-DROP"));
    line.send(run.finished(RunOutcome.PASS, 0, null));
    awaitTile("LIVE-02", t -> big(t).equals("PASS"));
    assertThat(browser.executeScript("return window.testlineNotReloaded === true")).isEqualTo(true);
  }

  @Test
  @Order(3)
  void the_line_page_looks_right_on_a_wall_screen() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<Event<?>> events = new ArrayList<>();
    String[] outcomes = {"PASS", "FAIL", "TESTING", "CRASHED", "PASS", "TIMEOUT", "PASS", "TESTING", "PASS"};
    for (int i = 0; i < outcomes.length; i++) {
      Events st = new Events(String.format("FCT-L1-%02d", i + 2));
      events.add(st.birth(now.minusSeconds(3600 + i * 60L), "fct-pc-" + (i + 2)));
      events.add(st.heartbeat(now.minusSeconds(5), i == 3 ? 42 : 0));
      Events.Run run = st.run(String.format("SN2612-%06d", 417 + i), i % 2 == 0 ? "FCT" : "ICT", 1,
          now.minusSeconds(30 + i));
      events.add(run.started());
      events.add(run.step("Boot", StepOutcome.PASS));
      switch (outcomes[i]) {
        case "TESTING" -> events.add(run.step("Power/Rails/3V3", StepOutcome.PASS));
        case "FAIL" -> {
          events.add(run.measured("5V0 rail", "Power/Rails/5V0", "v_5v0", 5.61, 4.75, 5.25, "V"));
          events.add(run.finished(RunOutcome.FAIL, 1, null));
        }
        case "CRASHED" -> events.add(run.finished(RunOutcome.CRASHED, null, "SIGSEGV"));
        case "TIMEOUT" -> events.add(run.finished(RunOutcome.TIMEOUT, null, "SIGKILL"));
        default -> events.add(run.finished(RunOutcome.PASS, 0, null));
      }
    }
    line.send(events);
    awaitTile("FCT-L1-10", t -> big(t).equals("PASS"));
    awaitTile("FCT-L1-05", t -> big(t).equals("CRASHED"));
    chromium.screenshot("line");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 768));
    chromium.screenshot("line-laptop");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1920, 1080));
  }

  @Test
  @Order(4)
  void runs_page_filters_narrow_the_table_to_exactly_the_expected_runs_newest_first() {
    List<Seeded> runs = seedRuns();
    String window = "&from=2026-01-05T00:00:00Z&to=2026-01-06T00:00:00Z";

    assertRuns("/runs?station=RUNS-A" + window, runs, r -> r.station.equals("RUNS-A"));
    assertRuns("/runs?station=RUNS-A&outcome=FAIL" + window, runs,
        r -> r.station.equals("RUNS-A") && r.outcome.equals("FAIL"));
    assertRuns("/runs?serial=SN-R1" + window, runs, r -> r.serial.equals("SN-R1"));
    assertRuns("/runs?operation=ICT" + window, runs, r -> r.operation.equals("ICT"));
    assertRuns("/runs?outcome=CRASHED" + window, runs, r -> r.outcome.equals("CRASHED"));
    assertRuns("/runs?from=2026-01-05T08:20:00Z&to=2026-01-05T09:10:00Z", runs,
        r -> !r.startedAt.isBefore(WINDOW.plusSeconds(1200)) && r.startedAt.isBefore(WINDOW.plusSeconds(4200)));
    // the form: typing into it and submitting gives the same as the URL
    open("/runs");
    browser.findElement(By.cssSelector(".filters [name=station]")).sendKeys("RUNS-B");
    // what a datetime-local input sends: a local time in the line's zone (UTC in this test)
    browser.executeScript("arguments[0].value = '2026-01-05T08:00:00'", browser.findElement(By.name("from")));
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("outcome"))).selectByValue("PASS");
    browser.findElement(By.cssSelector(".filters button")).click();
    await().atMost(LIVE).until(() -> browser.getCurrentUrl().contains("station=RUNS-B"));
    assertThat(shownRunIds()).containsExactlyElementsOf(expected(runs, r -> r.station.equals("RUNS-B")
        && r.outcome.equals("PASS") && !r.startedAt.isBefore(WINDOW)));
    chromium.screenshot("runs");

    // keyset paging: 5 a page, every run once, newest first
    open("/runs?limit=5" + window);
    List<String> paged = new ArrayList<>(shownRunIds());
    while (!browser.findElements(By.cssSelector(".pages .next")).isEmpty()) {
      browser.findElement(By.cssSelector(".pages .next")).click();
      paged.addAll(shownRunIds());
    }
    assertThat(paged).containsExactlyElementsOf(expected(runs, r -> true));
  }

  @Test
  @Order(5)
  void a_run_page_shows_measurements_with_limits_the_failing_step_and_only_its_own_log_lines() {
    Events st = new Events("RUN-S");
    Instant t = Instant.parse("2026-01-04T10:00:00Z");
    Events.Run first = st.run("SN-TWICE", "FCT", 1, t);
    Events.Run retest = st.run("SN-TWICE", "FCT", 2, t.plusSeconds(300));
    line.send(first.started(), first.log(LogStream.STDOUT, "first run: starting", "first run: 5V0 = 5.61"),
        first.log(LogStream.STDERR, "first run: rail too high"), first.step("Boot", StepOutcome.PASS),
        first.measured("5V0 rail", "Power/Rails/5V0", "v_5v0", 5.61, 4.75, 5.25, "V"),
        first.step("Flash", StepOutcome.PASS), first.finished(RunOutcome.FAIL, 1, null));
    line.send(retest.started(), retest.log(LogStream.STDOUT, "retest: starting", "retest: 5V0 = 5.01"),
        retest.step("Boot", StepOutcome.PASS),
        retest.measured("5V0 rail", "Power/Rails/5V0", "v_5v0", 5.01, 4.75, 5.25, "V"),
        retest.step("Flash", StepOutcome.PASS), retest.finished(RunOutcome.PASS, 0, null),
        retest.verdict(Verdict.ACCEPTED, null));

    openWhenStored("/runs/" + first.runId(), "Flash");
    WebElement failing = browser.findElement(By.cssSelector("tbody.step.failing"));
    assertThat(failing.getAttribute("data-step")).isEqualTo("Power/Rails/5V0");
    assertThat(browser.findElements(By.cssSelector("tbody.step.failing"))).hasSize(1);
    WebElement m = failing.findElement(By.cssSelector("tr.measurement"));
    assertThat(m.findElement(By.cssSelector(".mname")).getText()).isEqualTo("v_5v0");
    assertThat(m.findElement(By.cssSelector(".value")).getText()).isEqualTo("5.61");
    assertThat(m.findElement(By.cssSelector(".low")).getText()).isEqualTo("4.75");
    assertThat(m.findElement(By.cssSelector(".high")).getText()).isEqualTo("5.25");
    assertThat(m.getText()).contains(" V ").contains("FAIL");
    assertThat(browser.findElement(By.cssSelector(".bigoutcome")).getText()).isEqualTo("FAIL");
    assertThat(browser.findElement(By.cssSelector(".reason")).getText()).contains("exit code 1");
    assertThat(logLines()).containsExactly("first run: starting", "first run: 5V0 = 5.61", "first run: rail too high");
    assertThat(browser.findElements(By.cssSelector(".ll.stderr .text")).stream().map(WebElement::getText))
        .containsExactly("first run: rail too high");
    // every download in one place, the Download line: the exports and the log, each with its content type
    List<WebElement> downloads = browser.findElements(By.cssSelector("a[download]"));
    assertThat(downloads).allSatisfy(a -> assertThat(a.findElement(By.xpath("..")).getAttribute("class"))
        .isEqualTo("exports"));
    assertThat(downloads).extracting(WebElement::getText)
        .containsExactly("JSON", "JUnit", "CFX", "OpenHTF", "the log");
    assertThat(downloads).extracting(a -> a.getAttribute("type"))
        .containsExactly("application/json", "application/xml", "application/json", "application/json", "text/plain");
    assertThat(downloads.get(0).getAttribute("href")).endsWith("/runs/" + first.runId() + "/export.json");
    assertThat(downloads.get(4).getAttribute("href")).endsWith("/api/runs/" + first.runId() + "/log");
    // the log's stream filter hides a stream's lines and shows them again
    browser.findElement(By.cssSelector(".show-stdout")).click();
    assertThat(browser.findElements(By.cssSelector(".log .ll")).stream().filter(WebElement::isDisplayed)
        .map(e -> e.findElement(By.cssSelector(".text")).getText())).containsExactly("first run: rail too high");
    browser.findElement(By.cssSelector(".show-stdout")).click();
    assertThat(browser.findElements(By.cssSelector(".log .ll")).stream().filter(WebElement::isDisplayed)).hasSize(3);
    chromium.fitHeight(1280);
    chromium.screenshot("run");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1920, 1080));

    openWhenStored("/runs/" + retest.runId(), "Flash");
    assertThat(browser.findElements(By.cssSelector("tbody.step.failing"))).isEmpty();
    assertThat(logLines()).containsExactly("retest: starting", "retest: 5V0 = 5.01");

    // the unit page, found with the navigation bar's search box: both runs, oldest first, the retest visible
    browser.findElement(By.cssSelector("nav .find input")).sendKeys("SN-TWICE" + org.openqa.selenium.Keys.ENTER);
    await().atMost(LIVE).until(() -> browser.getCurrentUrl().contains("/units?serial=SN-TWICE"));
    assertThat(shownRunIds()).containsExactly(first.runId().toString(), retest.runId().toString());
    assertThat(browser.findElements(By.cssSelector("tr.run")).get(1).getText()).contains("PASS").contains("ACCEPTED");
    chromium.screenshot("unit");
  }

  @Test
  @Order(6)
  void a_run_page_follows_its_run_while_in_progress_without_a_reload() {
    Events st = new Events("RUN-L");
    Events.Run run = st.run("SN-FOLLOW", "FCT", 1, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    line.send(run.started(), run.step("Boot", StepOutcome.PASS), run.log(LogStream.STDOUT, "booting"));
    openWhenStored("/runs/" + run.runId(), "booting");
    assertThat(browser.findElement(By.cssSelector(".bigoutcome")).getText()).isEqualTo("RUNNING");
    browser.executeScript("window.testlineNotReloaded = true");

    line.send(run.measured("5V0 rail", "Power/Rails/5V0", "v_5v0", 5.61, 4.75, 5.25, "V"),
        run.log(LogStream.STDERR, "rail too high"), run.finished(RunOutcome.FAIL, 1, null));
    await().atMost(LIVE).pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsMatching(e -> e instanceof org.openqa.selenium.StaleElementReferenceException)
        .until(() -> browser.findElement(By.cssSelector(".bigoutcome")).getText().equals("FAIL"));
    assertThat(logLines()).containsExactly("booting", "rail too high");
    assertThat(browser.findElements(By.cssSelector("tbody.step.failing"))).hasSize(1);
    assertThat(browser.findElements(By.cssSelector("p.live"))).isEmpty();
    assertThat(browser.executeScript("return window.testlineNotReloaded === true")).isEqualTo(true);
  }

  @Test
  @Order(7)
  void a_crashed_run_shows_its_signal_crash_site_traceback_its_minidump_and_a_link_to_its_uploaded_core() {
    Events st = new Events("RUN-C");
    Events.Run run = st.run("SN-CRASH", "FCT", 1, Instant.parse("2026-01-04T11:00:00Z"));
    Event<?> finished = run.finished(RunOutcome.CRASHED, null, "SIGSEGV");
    String traceback = "Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent call first):\n"
        + "  File \"/opt/fct/psu.py\", line 4 in read_rail\n  File \"/opt/fct/psu.py\", line 9 in <module>\n";
    Crash crash = new Crash(CrashKind.PYTHON_TRACEBACK, new CrashSite("/opt/fct/psu.py", 4, "read_rail"), null,
        traceback, "core");
    RunFinished withCrash = ((RunFinished) finished.data()).withCrash(crash);
    line.send(run.started(), run.step("Boot", StepOutcome.PASS), run.attachment("core", new byte[] {0x7f, 'E'}),
        Event.of(finished.stationId(), finished.agentSession(), finished.seq(), finished.occurredAt(),
            // the minidump is said to be uploaded but none of its chunks arrives: shown as not yet stored whole
            withCrash.withCrash(crash.withMinidump("fct.exe.4242.dmp")
                .withUploads(java.util.List.of("core", "fct.exe.4242.dmp"), null))));
    // the core's chunk and run.finished travel apart: wait until both are stored
    openUntil("/runs/" + run.runId(), () -> browser.findElement(By.tagName("main")).getText().contains("CRASHED")
        && !browser.findElements(By.cssSelector(".crash a.attachment")).isEmpty());
    assertThat(browser.findElement(By.cssSelector(".crash a.attachment")).getAttribute("href"))
        .endsWith("/api/runs/" + run.runId() + "/attachments/core");
    assertThat(browser.findElements(By.cssSelector(".crash a.attachment"))).hasSize(1);
    assertThat(browser.findElement(By.cssSelector(".crash .minidump")).getText()).isEqualTo("fct.exe.4242.dmp");
    assertThat(browser.findElements(By.cssSelector(".crash .upload-pending"))).extracting(WebElement::getText)
        .containsExactly("fct.exe.4242.dmp uploading, not yet stored whole");
    assertThat(browser.findElement(By.cssSelector(".signal")).getText()).isEqualTo("SIGSEGV");
    assertThat(browser.findElement(By.cssSelector(".crash h2")).getText()).isEqualTo("Where it crashed");
    assertThat(browser.findElement(By.cssSelector(".crash-site")).getText())
        .isEqualTo("/opt/fct/psu.py:4 in read_rail");
    assertThat(browser.findElement(By.cssSelector(".traceback")).getText())
        .contains("Fatal Python error: Segmentation fault", "line 4 in read_rail", "line 9 in <module>");
    chromium.screenshot("crashed-run");
  }

  @Test
  @Order(8)
  void station_supplied_markup_is_shown_as_text_on_every_page() {
    Events st = new Events("EVIL-1");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Events.Run run = st.run(HOSTILE, "<b>op</b>", 1, now);
    line.send(st.birth(now.minusSeconds(5), "<img src=x onerror=alert(2)>"), run.started(),
        run.log(LogStream.STDOUT, "<script>alert(3)</script>"),
        run.measured("<i>rail</i>", "<i>rail</i>", "\"><script>alert(4)</script>", 9.0, 0, 1, "<u>V</u>"),
        run.finished(RunOutcome.FAIL, 1, null));

    open("/");
    awaitTile("EVIL-1", t -> t.getText().contains(HOSTILE) && big(t).equals("FAIL"));
    assertThat(tile("EVIL-1").getText()).contains("<img src=x onerror=alert(2)>").contains("<b>op</b>");
    assertNothingInjected("main script, main img, main u");

    openWhenStored("/runs/" + run.runId(), "<i>rail</i>");
    assertThat(browser.findElement(By.tagName("h1")).getText()).contains(HOSTILE);
    assertThat(logLines()).containsExactly("<script>alert(3)</script>");
    assertThat(browser.findElement(By.cssSelector(".mname")).getText()).isEqualTo("\"><script>alert(4)</script>");
    assertNothingInjected("main script, main img, main u");
    chromium.screenshot("hostile-run");

    open("/runs?serial=" + java.net.URLEncoder.encode(HOSTILE, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(shownRunIds()).containsExactly(run.runId().toString());
    assertThat(browser.findElement(By.cssSelector(".filters [name=serial]")).getAttribute("value")).isEqualTo(HOSTILE);
    assertNothingInjected("main script, main img, main u");

    browser.findElement(By.linkText(HOSTILE)).click();
    await().atMost(LIVE).until(() -> browser.getCurrentUrl().contains("/units?serial="));
    assertThat(browser.findElement(By.cssSelector("h1 .serial")).getText()).isEqualTo(HOSTILE);
    assertThat(shownRunIds()).containsExactly(run.runId().toString());
    assertNothingInjected("main script, main img, main u");
  }

  // --- helpers

  private record Seeded(String id, String station, String serial, String operation, String outcome,
      Instant startedAt) {}

  /** 12 runs in {@link #WINDOW}, 10 minutes apart, over two stations, four serials, two operations. */
  private List<Seeded> seedRuns() {
    Events a = new Events("RUNS-A");
    Events b = new Events("RUNS-B");
    List<Seeded> out = new ArrayList<>();
    List<Event<?>> events = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Events st = i % 2 == 0 ? a : b;
      String serial = "SN-R" + i / 3;
      String operation = i % 3 == 0 ? "ICT" : "FCT";
      RunOutcome outcome = i == 5 ? RunOutcome.CRASHED : i % 4 == 0 ? RunOutcome.FAIL : RunOutcome.PASS;
      Events.Run run = st.run(serial, operation, 1 + i % 3, WINDOW.plusSeconds(600L * i));
      events.add(run.started());
      events.add(run.step("Boot", StepOutcome.PASS));
      events.add(run.finished(outcome, outcome == RunOutcome.CRASHED ? null : outcome == RunOutcome.PASS ? 0 : 1,
          outcome == RunOutcome.CRASHED ? "SIGSEGV" : null));
      out.add(new Seeded(run.runId().toString(), st.station(), serial, operation, outcome.name(),
          run.startedAt()));
    }
    line.send(events);
    await().atMost(LIVE).until(() -> line.count("select count(*) from runs where finished and station_id like 'RUNS-%'")
        == 12);
    return out;
  }

  private void assertRuns(String path, List<Seeded> runs, Predicate<Seeded> which) {
    open(path);
    assertThat(shownRunIds()).as(path).containsExactlyElementsOf(expected(runs, which));
  }

  private static List<String> expected(List<Seeded> runs, Predicate<Seeded> which) {
    return runs.stream().filter(which).sorted(Comparator.comparing(Seeded::startedAt).reversed())
        .map(Seeded::id).toList();
  }

  private List<String> shownRunIds() {
    return browser.findElements(By.cssSelector("tr.run")).stream().map(e -> e.getAttribute("data-run-id")).toList();
  }

  private List<String> logLines() {
    return browser.findElements(By.cssSelector(".log .ll .text")).stream().map(WebElement::getText).toList();
  }

  private WebElement tile(String station) {
    return browser.findElement(By.cssSelector(".tile[data-station='" + station + "']"));
  }

  private void awaitTile(String station, Predicate<WebElement> condition) {
    await().atMost(LIVE).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(e -> e instanceof NoSuchElementException
            || e instanceof org.openqa.selenium.StaleElementReferenceException)
        .until(() -> condition.test(tile(station)));
  }

  /** Waits for a header number; the header is swapped live, so a found element may go stale before it is read. */
  private void awaitStat(String stat, String value) {
    await().atMost(LIVE).pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsMatching(e -> e instanceof NoSuchElementException
            || e instanceof org.openqa.selenium.StaleElementReferenceException)
        .until(() -> browser.findElement(By.cssSelector("[data-stat=" + stat + "]")).getText().equals(value));
  }

  private static String big(WebElement tile) {
    return tile.findElement(By.cssSelector(".big")).getText();
  }
}
